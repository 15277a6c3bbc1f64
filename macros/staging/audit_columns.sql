{#
    What happens to each raw row, decided once per base model (models/staging/<source>/base/):
      _disposition  'staged' (flows into the staging model), 'quarantined' (kept out, reported in
                    data_quality_issues) or 'dropped' (not current: deleted in the source, or an earlier version
                    under history mode; counted, not reported);
      _dq_reason    why, when not staged: history_version, missing_required_id, duplicate_id, deleted, the
                    reasons given for unreadable columns, then the model's own rules;
      _dq_detail    a sentence for people.
    The first matching rule wins, so a row has one disposition and one reason, and every raw row is counted once.

    Arguments: id_column (the row's id after renaming), has_history / has_deleted (the table has _fivetran_active /
    is_deleted), unreadable (dict: column -> reason, for columns a row is useless without when they cannot be read),
    rules (list of (condition, reason, detail SQL expression) that quarantine).
#}
{% macro audit_columns(id_column, has_history=true, has_deleted=true, unreadable={}, rules=[]) -%}
    {%- set checks = [] -%}
    {%- if has_history -%}
        {%- do checks.append(('not coalesce(_fivetran_active, true)', 'dropped', 'history_version',
            "'an earlier version of the row (history mode)'")) -%}
    {%- endif -%}
    {%- do checks.append((id_column ~ ' is null', 'quarantined', 'missing_required_id', "'the id is empty'")) -%}
    {%- do checks.append(('_version_rank > 1', 'quarantined', 'duplicate_id',
        "'another row with this id was kept (the most recently modified)'")) -%}
    {%- if has_deleted -%}
        {%- do checks.append(('coalesce(is_deleted, false)', 'dropped', 'deleted', "'deleted in the source'")) -%}
    {%- endif -%}
    {%- for column, reason in unreadable.items() -%}
        {%- do checks.append((has_unreadable(column), 'quarantined', reason,
            "'" ~ column ~ " could not be read as its type'")) -%}
    {%- endfor -%}
    {%- for condition, reason, detail in rules -%}
        {%- do checks.append((condition, 'quarantined', reason, detail)) -%}
    {%- endfor -%}
    case
        {%- for condition, disposition, reason, detail in checks %}
        when {{ condition }} then '{{ disposition }}'
        {%- endfor %}
        else 'staged'
    end as _disposition,
    case
        {%- for condition, disposition, reason, detail in checks %}
        when {{ condition }} then '{{ reason }}'
        {%- endfor %}
    end as _dq_reason,
    case
        {%- for condition, disposition, reason, detail in checks %}
        when {{ condition }} then {{ detail }}
        {%- endfor %}
    end as _dq_detail
{%- endmacro %}


{# True when select_raw_columns could not read `column` of this row (see _unreadable_columns). #}
{% macro has_unreadable(column) -%}
    coalesce({{ dbt.position("'," ~ column ~ ",'", dbt.concat(["','", '_unreadable_columns', "','"])) }} > 0, false)
{%- endmacro %}
