{#
    Generated from matching/person_account_match_model.json by `make train-matching` (recompiled alone by `python -m
    cdp_dev.matching.compile`): do not edit. The person_account match model, version 20261201.cffe3bf5: the prior
    and each comparison's levels in evaluation order (the first true condition wins; the last is 'else'), with their
    m and u probabilities and match weights log2(m / u), as Splink trained them; features: the record columns the
    levels compare (each as <feature>_l and <feature>_r). Scored by the macros of macros/matching/match_scoring.sql.
#}
{% macro person_account_match_model() -%}
    {{ return({
        'name': 'person_account',
        'version': '20261201.cffe3bf5',
        'probability_two_random_records_match': 0.00021507011038472102,
        'prior_match_weight': -12.182595027102971,
        'features': ['name_normalised', 'name_token_count', 'domain', 'country', 'phone', 'city'],
        'comparisons': [
            {'name': 'name', 'levels': [
                {'label': 'null', 'sql': 'name_normalised_l is null or name_normalised_r is null', 'is_null_level': true, 'm_probability': none, 'u_probability': none, 'match_weight': 0.0},
                {'label': 'exact', 'sql': 'name_normalised_l = name_normalised_r', 'is_null_level': false, 'm_probability': 0.9765515275847351, 'u_probability': 0.0005135184360707492, 'match_weight': 10.893064381997725},
                {'label': 'typo', 'sql': 'levenshtein(name_normalised_l, name_normalised_r) <= 2 and length(name_normalised_l) >= 6 and length(name_normalised_r) >= 6', 'is_null_level': false, 'm_probability': 0.00892404048608984, 'u_probability': 9.410288582183188e-05, 'match_weight': 6.56731428223},
                {'label': 'most_tokens', 'sql': "3 * cardinality(array_intersect(split(name_normalised_l, ' '), split(name_normalised_r, ' '))) >= name_token_count_l + name_token_count_r", 'is_null_level': false, 'm_probability': 0.014058363439685268, 'u_probability': 0.0009329339863196665, 'match_weight': 3.913509846424694},
                {'label': 'shared_token', 'sql': "cardinality(array_intersect(split(name_normalised_l, ' '), split(name_normalised_r, ' '))) >= 1", 'is_null_level': false, 'm_probability': 0.0004660602587595997, 'u_probability': 0.03486005990205205, 'match_weight': -6.224914739664532},
                {'label': 'else', 'sql': 'else', 'is_null_level': false, 'm_probability': 8.230730149905693e-09, 'u_probability': 0.9635993847897357, 'match_weight': -26.80283781346413}
            ]},
            {'name': 'domain', 'levels': [
                {'label': 'null', 'sql': 'domain_l is null or domain_r is null', 'is_null_level': true, 'm_probability': none, 'u_probability': none, 'match_weight': 0.0},
                {'label': 'exact', 'sql': 'domain_l = domain_r', 'is_null_level': false, 'm_probability': 0.9617091636579354, 'u_probability': 0.00018090101179807288, 'match_weight': 12.376184473272037},
                {'label': 'else', 'sql': 'else', 'is_null_level': false, 'm_probability': 0.03829083634206465, 'u_probability': 0.999819098988202, 'match_weight': -4.7065960095362325}
            ]},
            {'name': 'country', 'levels': [
                {'label': 'null', 'sql': 'country_l is null or country_r is null', 'is_null_level': true, 'm_probability': none, 'u_probability': none, 'match_weight': 0.0},
                {'label': 'exact', 'sql': 'country_l = country_r', 'is_null_level': false, 'm_probability': 1e-06, 'u_probability': 1e-06, 'match_weight': 0.0},
                {'label': 'else', 'sql': 'else', 'is_null_level': false, 'm_probability': 1e-06, 'u_probability': 1e-06, 'match_weight': 0.0}
            ]},
            {'name': 'phone', 'levels': [
                {'label': 'null', 'sql': 'phone_l is null or phone_r is null', 'is_null_level': true, 'm_probability': none, 'u_probability': none, 'match_weight': 0.0},
                {'label': 'exact', 'sql': 'phone_l = phone_r', 'is_null_level': false, 'm_probability': 1e-06, 'u_probability': 1e-06, 'match_weight': 0.0},
                {'label': 'else', 'sql': 'else', 'is_null_level': false, 'm_probability': 1e-06, 'u_probability': 1e-06, 'match_weight': 0.0}
            ]},
            {'name': 'city', 'levels': [
                {'label': 'null', 'sql': 'city_l is null or city_r is null', 'is_null_level': true, 'm_probability': none, 'u_probability': none, 'match_weight': 0.0},
                {'label': 'exact', 'sql': 'city_l = city_r', 'is_null_level': false, 'm_probability': 1e-06, 'u_probability': 1e-06, 'match_weight': 0.0},
                {'label': 'else', 'sql': 'else', 'is_null_level': false, 'm_probability': 1e-06, 'u_probability': 1e-06, 'match_weight': 0.0}
            ]}
        ]
    }) }}
{%- endmacro %}
