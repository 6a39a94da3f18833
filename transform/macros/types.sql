{# Column types whose spelling differs per engine, chosen as dbt's adapter.dispatch does:
   <target.type>__name if the project has it, else default__name. convai's runner supports
   exactly this shape (argument-less macros, a dispatching macro whose body is the return
   line below), dbt-core runs it as written. #}

{# Text: T-SQL's VARCHAR without a length is VARCHAR(30) and would truncate silently;
   NVARCHAR keeps Indian names and scripts, as in database/schema_mssql.sql. #}
{% macro text_type() %}{{ return(adapter.dispatch('text_type', 'convai')()) }}{% endmacro %}
{% macro default__text_type() %}VARCHAR{% endmacro %}
{% macro sqlserver__text_type() %}NVARCHAR(4000){% endmacro %}

{# Flags: T-SQL has no BOOLEAN; BIT holds 1/0. #}
{% macro bool_type() %}{{ return(adapter.dispatch('bool_type', 'convai')()) }}{% endmacro %}
{% macro default__bool_type() %}BOOLEAN{% endmacro %}
{% macro sqlserver__bool_type() %}BIT{% endmacro %}
