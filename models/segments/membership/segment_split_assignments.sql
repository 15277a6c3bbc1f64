-- The split groups as they were first assigned: one row per segment, split salt and member (a person, or an account
-- for account segments), appended the first time the member is assigned (member or holdout) under that salt. The
-- groups are a deterministic hash, so a member never changes group; this log says since when each was treated or
-- held out, so that outcomes can be compared later. Append-only on every engine, and kept by --full-refresh.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail'
) }}
{%- set registry = cdp.segment_registry() %}

with

current_assignments as (
    {%- for segment_name, declaration in registry.items() if declaration.split %}
    select
        {{ cdp.string_literal(segment_name) }} as segment_name,
        {{ cdp.string_literal(declaration.grain) }} as segment_grain,
        {{ cdp.segment_key(declaration.grain) }} as member_key,
        {{ cdp.string_literal(declaration.split.salt) }} as split_salt,
        split_group
    from {{ ref(segment_name) }}
    where assignment in ('member', 'holdout')
    union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as segment_name,
        cast(null as {{ dbt.type_string() }}) as segment_grain,
        cast(null as {{ dbt.type_string() }}) as member_key,
        cast(null as {{ dbt.type_string() }}) as split_salt,
        cast(null as {{ dbt.type_string() }}) as split_group
    where 1 = 0
),

final as (
    select
        current_assignments.segment_name,
        current_assignments.segment_grain,
        current_assignments.member_key,
        current_assignments.split_salt,
        current_assignments.split_group,
        {{ cdp.run_started_timestamp() }} as first_assigned_at
    from current_assignments
    {%- if is_incremental() %}
    left join {{ this }} as already_logged
        on current_assignments.segment_name = already_logged.segment_name
        and current_assignments.member_key = already_logged.member_key
        and current_assignments.split_salt = already_logged.split_salt
    where already_logged.member_key is null
    {%- endif %}
)

select * from final
