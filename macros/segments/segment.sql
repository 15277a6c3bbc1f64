{#
    segment(...): an audience's declaration, at the top of its one file, models/segments/seg_<name>.sql.

    The rest of the file is one query that evaluates the audience's conditions: one row per candidate (a person, or
    an account for grain 'account') with the key column (person_id or account_id), one boolean column per declared
    condition (true when it passes; null counts as false) and any other columns worth showing beside them (the
    evidence explain.py prints). Real SQL over the marts, which sqlfluff lints; macro in_window helps with event
    conditions ("a web visit to a page like P in the N days up to as_of").

    Arguments:
      description     what the audience is, for people
      owner           who answers for it
      grain           'person', or 'account' (an account audience also yields its persons in segment_membership)
      conditions      {name: description, ...}: the boolean columns of the query, in this order; a candidate
                      qualifies when every one is true
      activation      [{format: <destination>, ...options}, ...]: where scripts/run_pipeline.py sends the members
                      (README, Activation)
      priority_group, priority
                      a candidate who qualifies for several segments of one group is assigned only to the one with
                      the lowest priority number; the others still show them, as outranked
      split           {salt: <text>, groups: {<name>: <percent>, ...}}: deterministic groups by a hash of the salt,
                      the segment and the key; the percents add up to 100; a group named 'holdout' is never activated
      exclude         [segment, ...] of the same grain: whoever is assigned to one of them is excluded from this one

    It sets materialized='segment' (macro materialization segment: the evaluation is kept as <name>__evaluated, the
    members' assignment becomes the segment's table) and meta.segment (read by the materialization, the
    generated registry, segment_definitions and the pipeline), and refs every relation the assignment reads, so
    that dbt orders the DAG.
#}
{% macro segment(
    description, owner, grain, conditions, activation=[], priority_group=none, priority=none, split=none,
    exclude=[]
) -%}
    {%- set conditions_text = {} -%}
    {%- if conditions is mapping -%}
        {%- for name, text in conditions.items() -%}
            {%- do conditions_text.update({name: cdp.one_line(text)}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set declaration = {
        'description': cdp.one_line(description),
        'owner': owner,
        'grain': grain,
        'conditions': conditions_text if conditions is mapping else conditions,
        'activation': activation,
        'priority_group': priority_group,
        'priority': priority,
        'split': split,
        'exclude': exclude,
    } -%}
    {#- In a unit test, `model` is the test: the segment is the model it tests. -#}
    {%- set segment_name = model.tested_node_unique_id.split('.')[-1] if model.resource_type == 'unit_test'
        else model.name -%}
    {%- do cdp.check_segment_declaration(segment_name, declaration) -%}
    {%- do config(materialized='segment', meta={'segment': declaration}) -%}
    {#- The relations the assignment reads (macro segment_members_sql): referenced here, at parse time. -#}
    {#- In a unit test only the evaluation runs, on its given inputs: no dependency of the assignment is needed. -#}
    {%- if model.resource_type != 'unit_test' -%}
        {%- for model_name in cdp.segment_entity_models(grain) -%}
            {%- do ref(model_name) -%}
        {%- endfor -%}
        {%- for other in exclude + cdp.segments_ranked_above(model.name, priority_group, priority) -%}
            {%- do ref(other) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}


{# The models a segment's assignment reads for its grain: the candidates' attributes, and who is suppressed. #}
{% macro segment_entity_models(grain) -%}
    {{ return(['person_traits', 'int_persons_suppressed'] if grain == 'person'
        else ['dim_accounts', 'int_accounts_suppressed']) }}
{%- endmacro %}


{# The key column of a grain. #}
{% macro segment_key(grain) -%}
    {{ return('person_id' if grain == 'person' else 'account_id') }}
{%- endmacro %}


{# The segments of the same priority group with a lower priority number (ranked above), from the registry. #}
{% macro segments_ranked_above(segment_name, priority_group, priority) -%}
    {%- set above = [] -%}
    {%- if priority_group is not none -%}
        {%- for name, entry in cdp.segment_registry().items() -%}
            {%- if name != segment_name and entry.priority_group == priority_group and entry.priority < priority -%}
                {%- do above.append(name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(above | sort) }}
{%- endmacro %}


{# A declaration that cannot work stops the build with a message naming the segment and what is wrong. #}
{% macro check_segment_declaration(segment_name, declaration) -%}
    {%- set problems = [] -%}
    {%- if not segment_name.startswith('seg_') -%}
        {%- do problems.append("a segment's model name starts with seg_") -%}
    {%- endif -%}
    {%- for field in ['description', 'owner'] -%}
        {%- if declaration[field] is not string or (declaration[field] | trim) == '' -%}
            {%- do problems.append(field ~ " must be a non-empty text") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if declaration.grain not in ['person', 'account'] -%}
        {%- do problems.append("grain must be 'person' or 'account', got '" ~ declaration.grain ~ "'") -%}
    {%- endif -%}
    {%- if declaration.conditions is not mapping or declaration.conditions | length == 0 -%}
        {%- do problems.append("conditions must be a non-empty {name: description} mapping") -%}
    {%- else -%}
        {%- for name, text in declaration.conditions.items() -%}
            {%- if not modules.re.match('^[a-z][a-z0-9_]*$', name) or text is not string or (text | trim) == '' -%}
                {%- do problems.append("condition '" ~ name ~ "' needs a lower-case column name and a description") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for entry in declaration.activation -%}
        {%- if entry is not mapping or 'format' not in entry -%}
            {%- do problems.append("each activation entry is a mapping with a 'format' (a destination)") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if (declaration.priority_group is none) != (declaration.priority is none) -%}
        {%- do problems.append("priority_group and priority go together") -%}
    {%- elif declaration.priority is not none and declaration.priority is not integer -%}
        {%- do problems.append("priority must be a whole number (1 ranks first)") -%}
    {%- endif -%}
    {%- if declaration.split is not none -%}
        {%- set split = declaration.split -%}
        {%- if split is not mapping or split.get('salt') is not string or split.get('groups') is not mapping -%}
            {%- do problems.append("split is {salt: <text>, groups: {<name>: <percent>, ...}}") -%}
        {%- else -%}
            {%- set total = namespace(percent=0) -%}
            {%- for name, percent in split.groups.items() -%}
                {%- if percent is not integer or percent <= 0 or not modules.re.match('^[a-z][a-z0-9_]*$', name) -%}
                    {%- do problems.append("split group '" ~ name ~ "' needs a lower-case name and a whole percent") -%}
                {%- else -%}
                    {%- set total.percent = total.percent + percent -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if total.percent != 100 -%}
                {%- do problems.append("the split groups' percents add up to " ~ total.percent ~ ", not 100") -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {%- for other in declaration.exclude -%}
        {%- if other is not string or not other.startswith('seg_') or other == segment_name -%}
            {%- do problems.append("exclude names other segments (seg_...), got '" ~ other ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            "Segment " ~ segment_name ~ " (models/segments/" ~ segment_name ~ ".sql): " ~ (problems | join('; '))
        ) }}
    {%- endif -%}
{%- endmacro %}


{# True when `column` (a timestamp) falls in the `days` days up to as_of, both ends included: an event condition
   ("visited ... in the last 30 days"). Events after as_of do not count. #}
{% macro in_window(column, days) -%}
    ({{ column }} >= {{ dbt.dateadd('day', '-' ~ days, cdp.as_of_timestamp()) }}
    and {{ column }} <= {{ cdp.as_of_timestamp() }})
{%- endmacro %}


{# A whole number in [0, buckets) from `digest`, an md5 hex digest (dbt.hash) computed once by the caller: the
   same on every run and every engine (its first six hex digits). #}
{% macro hex_bucket(digest, buckets=100) -%}
    (
        {%- for position in range(6) %}
        ({{ dbt.position("substr(" ~ digest ~ ", " ~ (position + 1) ~ ", 1)", "'0123456789abcdef'") }} - 1)
        * {{ 16 ** (5 - position) }}{{ ' +' if not loop.last }}
        {%- endfor %}
    ) % {{ buckets }}
{%- endmacro %}


{# A split's groups as text, in their order: 'treatment:90,holdout:10'. #}
{% macro split_groups_text(split) -%}
    {%- set parts = [] -%}
    {%- for group_name, percent in split.groups.items() -%}
        {%- do parts.append(group_name ~ ':' ~ percent) -%}
    {%- endfor -%}
    {{ return(parts | join(',')) }}
{%- endmacro %}


{# Text written over several lines in a declaration, as one line (runs of whitespace become one space). #}
{% macro one_line(text) -%}
    {{ return(modules.re.sub('\\s+', ' ', text).strip() if text is string else text) }}
{%- endmacro %}


{# A declaration's text with each var('name') it mentions replaced by the var's value in this run, for people
   (segment_definitions; explain.py): "visited a page like var('new_product_page_pattern')" reads
   "visited a page like %/products/new%". #}
{% macro fill_vars(text) -%}
    {%- set filled = namespace(text=text) -%}
    {%- for name in modules.re.findall("var\\('([a-z0-9_]+)'\\)", text) | unique -%}
        {%- set filled.text = filled.text | replace("var('" ~ name ~ "')", var(name) | string) -%}
    {%- endfor -%}
    {{ return(filled.text) }}
{%- endmacro %}



{# The global suppression list (seed suppression_list), normalised: kind and value lower-cased and trimmed, and
   `suppression`, the entry as people read it ("email_domain rival.example (Competitor)"). #}
{% macro suppression_entries_sql() -%}
    select
        lower(trim(kind)) as kind,
        lower(trim(value)) as suppressed_value,
        lower(trim(kind)) || ' ' || lower(trim(value)) || coalesce(' (' || reason || ')', '') as suppression
    from {{ ref('suppression_list') }}
{%- endmacro %}
