-- Every segment declared in its model (macro segment) is in the generated registry (macro segment_registry) with
-- the same declaration, and in the generated yml (its description, its contract); the registry names no segment
-- that is gone. Otherwise segment_membership and every model that covers all segments would leave one out, or
-- read a declaration that changed. Returns one row per segment and problem; `make segments` regenerates both.
{%- set problems = [] %}
{%- if execute %}
    {%- set registry = cdp.segment_registry() %}
    {%- set declared = [] %}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' %}
        {%- set declaration = (node.config.get('meta') or {}).get('segment') %}
        {%- if declaration is not none %}
            {%- do declared.append(node.name) %}
            {%- if node.name not in registry %}
                {%- do problems.append((node.name, 'declared but not in the registry: run make segments')) %}
            {%- elif registry[node.name] != declaration %}
                {%- do problems.append((node.name, 'its declaration changed since the registry was made: run make segments')) %}
            {%- endif %}
            {%- if node.description != declaration.description or not node.config.contract.enforced %}
                {%- do problems.append((node.name, 'its generated yml is missing or stale: run make segments')) %}
            {%- endif %}
        {%- endif %}
    {%- endfor %}
    {%- for name in registry if name not in declared %}
        {%- do problems.append((name, 'in the registry but no longer declared: run make segments')) %}
    {%- endfor %}
{%- endif %}

with

problems as (
    {%- for segment_name, problem in problems %}
    select
        {{ cdp.string_literal(segment_name) }} as segment_name,
        {{ cdp.string_literal(problem) }} as problem
    union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as segment_name,
        cast(null as {{ dbt.type_string() }}) as problem
    where 1 = 0
)

select * from problems
