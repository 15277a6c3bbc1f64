-- Issues found row by row in the base models: rows kept out of staging (quarantined, with the reason their base
-- model gave) and staged rows with a value that could not be read (kept, the value read as null).
with

audited_rows as (
    {% for raw in raw_tables() -%}
        select
            '{{ raw.source }}' as source_system,
            '{{ raw.table }}' as table_name,
            cast({{ raw.id }} as {{ dbt.type_string() }}) as source_id,
            _version_rank as row_version,
            _disposition,
            _dq_reason,
            _dq_detail,
            _unreadable_columns
        from {{ ref(raw.base) }}
        where _disposition = 'quarantined' or (_disposition = 'staged' and _unreadable_columns is not null)
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
),

final as (
    select
        source_system,
        table_name,
        source_id,
        row_version,
        case when _disposition = 'quarantined' then _dq_reason else 'unparseable_value' end as reason,
        case when _disposition = 'quarantined' then 'quarantined' else 'kept' end as disposition,
        case
            when _disposition = 'quarantined' then _dq_detail
            else {{ dbt.concat(["'could not be read, kept as null: '", '_unreadable_columns']) }}
        end as detail
    from audited_rows
)

select * from final
