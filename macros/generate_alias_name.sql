{#
    Demo seeds are named `demo_<source>__<table>` (seed names must be unique across sources) and land as the
    raw table `<table>` in that source's schema, exactly where a loader would put it.
#}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
    {%- if custom_alias_name -%}
        {{ custom_alias_name | trim }}
    {%- elif node.resource_type == 'seed' and node.name.startswith('demo_') and '__' in node.name -%}
        {{ node.name.split('__')[-1] }}
    {%- elif node.version -%}
        {{ node.name ~ '_v' ~ (node.version | replace('.', '_')) }}
    {%- else -%}
        {{ node.name }}
    {%- endif -%}
{%- endmacro %}
