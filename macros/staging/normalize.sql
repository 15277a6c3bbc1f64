{#
    Normalisation rules shared by every staging model. Each is a pure SQL expression, so it can be unit tested
    and reads the same in every model.
#}

{# An email as an identity key: trimmed and lower-cased; null when it is not syntactically an address
   (one @, a local part, a domain with a dot, no spaces). Placeholders are removed by placeholder_email_join. #}
{% macro normalize_email(column) -%}
    case
        when {{ cdp.regexp_like('lower(trim(' ~ column ~ '))', '^[^@ ]+@[^@ ]+[.][^@ .]+$') }}
            then lower(trim({{ column }}))
    end
{%- endmacro %}


{# A web domain from a URL or host: lower case, without scheme, `www.`, port or path. #}
{% macro normalize_domain(column) -%}
    nullif(
        split_part(
            split_part(
                regexp_replace(lower(trim({{ column }})), '^(https?://)?(www[.])?', ''),
                '/', 1
            ),
            ':', 1
        ),
        ''
    )
{%- endmacro %}


{# Trimmed text, empty strings as null. #}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}


{#
    Placeholder emails (seed placeholder_emails) are not identities. Use as
        {{ placeholder_email_joins('email_normalized') }}
    after the FROM of a model that imports the seed CTEs with placeholder_email_ctes(); then
    `{{ without_placeholder('email_normalized') }}` is the email, or null when it is a placeholder.
    The seed is unique per (match_type, value), so the joins never fan out.
#}
{% macro placeholder_email_ctes() -%}
    placeholder_addresses as (
        select value from {{ ref('placeholder_emails') }} where match_type = 'address'
    ),

    placeholder_local_parts as (
        select value from {{ ref('placeholder_emails') }} where match_type = 'local_part'
    ),

    placeholder_domains as (
        select value from {{ ref('placeholder_emails') }} where match_type = 'domain'
    )
{%- endmacro %}

{% macro placeholder_email_joins(email) -%}
    left join placeholder_addresses on placeholder_addresses.value = {{ email }}
    left join placeholder_local_parts on placeholder_local_parts.value = split_part({{ email }}, '@', 1)
    left join placeholder_domains on placeholder_domains.value = split_part({{ email }}, '@', 2)
{%- endmacro %}

{% macro without_placeholder(email) -%}
    case
        when placeholder_addresses.value is null
            and placeholder_local_parts.value is null
            and placeholder_domains.value is null
            then {{ email }}
    end
{%- endmacro %}


{# The time a source row was last changed, from the best column the landing has. #}
{% macro salesforce_updated_at() -%}
    coalesce(last_modified_date, system_modstamp, _fivetran_synced)
{%- endmacro %}

{% macro marketo_updated_at() -%}
    coalesce(updated_at, _fivetran_synced)
{%- endmacro %}


{# Rows that are current: not deleted and, under history mode, the active version. #}
{% macro is_current_row(has_is_deleted=true) -%}
    coalesce(_fivetran_active, true){% if has_is_deleted %} and not coalesce(is_deleted, false){% endif %}
{%- endmacro %}
