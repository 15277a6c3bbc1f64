{#
    The normalised values account matching compares (int_account_match_records, int_person_match_records). Pure SQL
    expressions, the same on DuckDB and Spark, so that the build and the training read records alike.
#}

{# A company name as matching reads it: lower case, every run of characters other than a-z and 0-9 made one space,
   the noise words of var `company_name_noise_words` (legal forms such as inc, llc, gmbh, and stop words such as
   the, and) removed wherever they stand, single spaces, trimmed; null when nothing is left. Accented letters count
   as separators (the data's names are ASCII; a name in another script is left to its domain and phone). #}
{% macro normalize_company_name(column) -%}
    {%- set words = var('company_name_noise_words') | join('|') -%}
    {#- Each space doubled first, so that neighbouring noise words each keep a space on both sides and one pass
        removes them all. -#}
    {%- set spaced = "concat(' ', replace(" ~ regexp_replace_all(
        'lower(' ~ column ~ ')', "'[^a-z0-9]+'", "' '") ~ ", ' ', '  '), ' ')" -%}
    nullif(
        trim({{ regexp_replace_all(
            regexp_replace_all(spaced, "' (" ~ words ~ ") '", "' '"),
            "' +'", "' '"
        ) }}),
        ''
    )
{%- endmacro %}

{# A phone number as matching reads it: its digits, the last 10 of them (a country code or trunk prefix dropped);
   null when fewer than 7 digits are left. #}
{% macro normalize_phone(column) -%}
    {%- set digits = regexp_replace_all(column, "'[^0-9]'", "''") -%}
    case when {{ dbt.length(digits) }} >= 7 then {{ dbt.right(digits, 10) }} end
{%- endmacro %}

{# A place or country name as matching reads it: lower case, trimmed, inner spaces single; null when empty. #}
{% macro normalize_place(column) -%}
    nullif(trim({{ regexp_replace_all('lower(' ~ column ~ ')', "' +'", "' '") }}), '')
{%- endmacro %}
