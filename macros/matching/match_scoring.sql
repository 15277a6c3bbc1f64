{#
    Scoring a Fellegi-Sunter match model in SQL (the models of macros/matching/*_match_model.sql, generated from the
    trained artefacts in matching/ by `make train-matching`). A model is a dict: prior_match_weight (log2 of the
    prior odds that two records match), and comparisons, each a list of levels in evaluation order, each with the
    SQL condition over the pair's columns `<value>_l` / `<value>_r` (the last level's is 'else') and its
    match_weight (log2 m/u; 0 for a level that says nothing, such as a missing value).

    In a model, over a relation with the pair's columns:
        select ..., {{ match_level_columns(model) }} from pairs          -- <comparison>_level_index, per comparison
        select ..., {{ match_score_columns(model) }} from levelled       -- labels, weights, match_weight, probability
    Each condition is evaluated once (the level index); labels and weights are read from it.
#}

{% macro match_level_columns(model) -%}
    {%- for comparison in model['comparisons'] %}
    case
        {%- for level in comparison['levels'] %}
        {%- if level['sql'] | lower == 'else' %}
        else {{ loop.index0 }}
        {%- else %}
        when {{ level['sql'] }} then {{ loop.index0 }}
        {%- endif %}
        {%- endfor %}
    end as {{ comparison['name'] }}_level_index{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro match_score_columns(model) -%}
    {%- for comparison in model['comparisons'] %}
    case {{ comparison['name'] }}_level_index
        {%- for level in comparison['levels'] %}
        when {{ loop.index0 }} then '{{ level['label'] }}'
        {%- endfor %}
    end as {{ comparison['name'] }}_level,
    case {{ comparison['name'] }}_level_index
        {%- for level in comparison['levels'] %}
        when {{ loop.index0 }} then {{ match_weight_literal(level['match_weight']) }}
        {%- endfor %}
    end as {{ comparison['name'] }}_weight,
    {%- endfor %}
    {{ match_weight_sum(model) }} as match_weight,
    1.0 / (1.0 + power(2.0, -({{ match_weight_sum(model) }}))) as match_probability
{%- endmacro %}

{# The pair's total match weight: the prior plus each comparison's level weight. #}
{% macro match_weight_sum(model) -%}
    {{ match_weight_literal(model['prior_match_weight']) }}
    {%- for comparison in model['comparisons'] %}
    + case {{ comparison['name'] }}_level_index
        {%- for level in comparison['levels'] %}
        when {{ loop.index0 }} then {{ match_weight_literal(level['match_weight']) }}
        {%- endfor %}
    end
    {%- endfor %}
{%- endmacro %}

{# A weight as a double literal on every engine (a bare decimal literal is a DECIMAL on some). #}
{% macro match_weight_literal(value) -%}
    cast({{ "%.17g" | format(value | float) }} as double)
{%- endmacro %}

{# The comparisons' names, for the evidence columns of a model (<name>_level, <name>_weight). #}
{% macro match_comparison_names(model) -%}
    {{ return(model['comparisons'] | map(attribute='name') | list) }}
{%- endmacro %}
