{#
    Normalisation rules shared by every staging model. Each is a pure SQL expression, so it can be unit tested
    and reads the same in every model.
#}

{# An email as an identity key: trimmed and lower-cased; null when it is not syntactically an address: one @, a
   local part, a domain with a dot inside, and no whitespace (space, tab, line breaks, no-break space) anywhere.
   Placeholders and role mailboxes are recognised separately (email_issue). #}
{% macro normalize_email(column) -%}
    {%- set not_space = "[^@ ' || " ~ email_whitespace_chars() ~ " || ']" -%}
    {%- set not_space_or_dot = "[^@. ' || " ~ email_whitespace_chars() ~ " || ']" -%}
    case
        when {{ cdp.regexp_like(
            'lower(trim(' ~ column ~ '))',
            "'^" ~ not_space ~ "+@" ~ not_space ~ "+[.]" ~ not_space_or_dot ~ "+$'"
        ) }}
            then lower(trim({{ column }}))
    end
{%- endmacro %}

{# Whitespace other than the plain space, as a SQL string expression (no control characters in the source). #}
{% macro email_whitespace_chars() -%}
    chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160)
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
    Email checks against the reference seeds (placeholder_emails, role_email_local_parts). In a model:
        with ..., {{ email_reference_ctes() }}, ...
        select ..., {{ email_issue('email_raw', 'email_normalized') }} as email_issue
        from ... {{ email_reference_joins('email_normalized') }}
    Each seed is unique on what is joined, so the joins never fan out.
#}
{% macro email_reference_ctes() -%}
    placeholder_addresses as (
        select value from {{ ref('placeholder_emails') }} where match_type = 'address'
    ),

    placeholder_local_parts as (
        select value from {{ ref('placeholder_emails') }} where match_type = 'local_part'
    ),

    placeholder_domains as (
        select value from {{ ref('placeholder_emails') }} where match_type = 'domain'
    ),

    role_local_parts as (
        select local_part from {{ ref('role_email_local_parts') }}
    )
{%- endmacro %}

{% macro email_reference_joins(email) -%}
    left join placeholder_addresses on {{ email }} = placeholder_addresses.value
    left join placeholder_local_parts on split_part({{ email }}, '@', 1) = placeholder_local_parts.value
    left join placeholder_domains on split_part({{ email }}, '@', 2) = placeholder_domains.value
    left join role_local_parts on split_part({{ email }}, '@', 1) = role_local_parts.local_part
{%- endmacro %}

{# Why an entered email is not an identity: invalid_email, placeholder_email, role_mailbox, or null (it is). #}
{% macro email_issue(email_raw, email_normalized) -%}
    case
        when nullif(trim({{ email_raw }}), '') is null then null
        when {{ email_normalized }} is null then 'invalid_email'
        when placeholder_addresses.value is not null
            or placeholder_local_parts.value is not null
            or placeholder_domains.value is not null
            then 'placeholder_email'
        when role_local_parts.local_part is not null then 'role_mailbox'
    end
{%- endmacro %}


{# The time a source row was last changed, from the best column the landing has. #}
{% macro salesforce_updated_at() -%}
    coalesce(last_modified_date, system_modstamp, _fivetran_synced)
{%- endmacro %}

{% macro marketo_updated_at() -%}
    coalesce(updated_at, _fivetran_synced)
{%- endmacro %}


{# How versions of one id are ranked, most authoritative first (history mode's active row, then the newest). #}
{% macro salesforce_version_order() -%}
    coalesce(_fivetran_active, true) desc, {{ salesforce_updated_at() }} desc nulls last
{%- endmacro %}

{% macro marketo_version_order() -%}
    coalesce(_fivetran_active, true) desc, {{ marketo_updated_at() }} desc nulls last
{%- endmacro %}

{# For tables without a modification time: the loader's sync time. #}
{% macro loader_version_order() -%}
    coalesce(_fivetran_active, true) desc, _fivetran_synced desc nulls last
{%- endmacro %}
