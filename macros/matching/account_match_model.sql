{#
    Generated from matching/account_match_model.json by `make train-matching` (recompiled alone by `python -m
    cdp_dev.matching.compile`): do not edit. The account match model, version 20261201.4369c2b3: the prior and each
    comparison's levels in evaluation order (the first true condition wins; the last is 'else'), with their m and u
    probabilities and match weights log2(m / u), as Splink trained them; features: the record columns the levels
    compare (each as <feature>_l and <feature>_r). Scored by the macros of macros/matching/match_scoring.sql.
#}
{% macro account_match_model() -%}
    {{ return({
        'name': 'account',
        'version': '20261201.4369c2b3',
        'probability_two_random_records_match': 0.0001771149410755894,
        'prior_match_weight': -12.462770913870404,
        'features': ['name_normalised', 'name_token_count', 'domain', 'country', 'phone', 'city'],
        'comparisons': [
            {'name': 'name', 'levels': [
                {'label': 'null', 'sql': 'name_normalised_l is null or name_normalised_r is null', 'is_null_level': true, 'm_probability': none, 'u_probability': none, 'match_weight': 0.0},
                {'label': 'exact', 'sql': 'name_normalised_l = name_normalised_r', 'is_null_level': false, 'm_probability': 0.9577010929026355, 'u_probability': 0.000465675626993293, 'match_weight': 11.006034357932808},
                {'label': 'typo', 'sql': 'levenshtein(name_normalised_l, name_normalised_r) <= 2 and length(name_normalised_l) >= 6 and length(name_normalised_r) >= 6', 'is_null_level': false, 'm_probability': 0.01693670101664846, 'u_probability': 7.31094841013361e-05, 'match_weight': 7.8558786026560155},
                {'label': 'most_tokens', 'sql': "3 * cardinality(array_intersect(split(name_normalised_l, ' '), split(name_normalised_r, ' '))) >= name_token_count_l + name_token_count_r", 'is_null_level': false, 'm_probability': 0.02421865963483617, 'u_probability': 0.0011088271755369309, 'match_weight': 4.449012596045836},
                {'label': 'shared_token', 'sql': "cardinality(array_intersect(split(name_normalised_l, ' '), split(name_normalised_r, ' '))) >= 1", 'is_null_level': false, 'm_probability': 0.0008990600635650011, 'u_probability': 0.03392386018076055, 'match_weight': -5.237739031452898},
                {'label': 'else', 'sql': 'else', 'is_null_level': false, 'm_probability': 0.0002444863823148502, 'u_probability': 0.9644285275326079, 'match_weight': -11.94570450024004}
            ]},
            {'name': 'domain', 'levels': [
                {'label': 'null', 'sql': 'domain_l is null or domain_r is null', 'is_null_level': true, 'm_probability': none, 'u_probability': none, 'match_weight': 0.0},
                {'label': 'exact', 'sql': 'domain_l = domain_r', 'is_null_level': false, 'm_probability': 0.9663302875413923, 'u_probability': 0.0001565501171115299, 'match_weight': 12.591676077257263},
                {'label': 'else', 'sql': 'else', 'is_null_level': false, 'm_probability': 0.03366971245860776, 'u_probability': 0.9998434498828884, 'match_weight': -4.8921789175017585}
            ]},
            {'name': 'country', 'levels': [
                {'label': 'null', 'sql': 'country_l is null or country_r is null', 'is_null_level': true, 'm_probability': none, 'u_probability': none, 'match_weight': 0.0},
                {'label': 'exact', 'sql': 'country_l = country_r', 'is_null_level': false, 'm_probability': 0.9480952976875094, 'u_probability': 0.17506394503234865, 'match_weight': 2.4371500919312745},
                {'label': 'else', 'sql': 'else', 'is_null_level': false, 'm_probability': 0.0519047023124905, 'u_probability': 0.8249360549676513, 'match_weight': -3.990345142246806}
            ]},
            {'name': 'phone', 'levels': [
                {'label': 'null', 'sql': 'phone_l is null or phone_r is null', 'is_null_level': true, 'm_probability': none, 'u_probability': none, 'match_weight': 0.0},
                {'label': 'exact', 'sql': 'phone_l = phone_r', 'is_null_level': false, 'm_probability': 0.7581270870267339, 'u_probability': 9.258608646052485e-05, 'match_weight': 12.999356685142022},
                {'label': 'else', 'sql': 'else', 'is_null_level': false, 'm_probability': 0.24187291297326613, 'u_probability': 0.9999074139135394, 'match_weight': -2.047545302355968}
            ]},
            {'name': 'city', 'levels': [
                {'label': 'null', 'sql': 'city_l is null or city_r is null', 'is_null_level': true, 'm_probability': none, 'u_probability': none, 'match_weight': 0.0},
                {'label': 'exact', 'sql': 'city_l = city_r', 'is_null_level': false, 'm_probability': 0.9484268830784233, 'u_probability': 0.021888878818091182, 'match_weight': 5.437266591992672},
                {'label': 'else', 'sql': 'else', 'is_null_level': false, 'm_probability': 0.05157311692157668, 'u_probability': 0.9781111211819088, 'match_weight': -4.245307230724813}
            ]}
        ]
    }) }}
{%- endmacro %}
