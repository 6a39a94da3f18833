import Testing
@testable import Transform

@Suite("Jinja subset")
struct JinjaTemplateTests {
    func render(_ source: String, incremental: Bool = false) throws -> String {
        let template = try JinjaTemplate(source, file: "models/m.sql")
        return try template.render(isIncremental: incremental) { call, _ in
            switch call.name {
            case "ref": return "\"main\".\"\(call.arguments[0].text!)\""
            case "source": return "\"main\".\"\(call.arguments[1].text!)\""
            case "this": return "\"main\".\"m\""
            case "config": return ""
            case "var": return call.arguments.count > 1 ? call.arguments[1].text! : "?"
            default: return "<\(call.name)>"
            }
        }
    }

    @Test("renders ref, source, this, var, config and the incremental block")
    func renders() throws {
        let source = """
            {{ config(materialized='incremental', unique_key=['a', "b"]) }}
            select * from {{ ref('stg_x') }} join {{source( 'raw' , 'raw_y' )}} using (id)
            {% if is_incremental() %}
            where d >= (select max(d) - {{ var('lookback', 7) }} from {{ this }})
            {% endif %}
            """
        #expect(
            try render(source, incremental: false)
                == "\nselect * from \"main\".\"stg_x\" join \"main\".\"raw_y\" using (id)\n")
        #expect(
            try render(source, incremental: true)
                == "\nselect * from \"main\".\"stg_x\" join \"main\".\"raw_y\" using (id)\n\nwhere d >= (select max(d) - 7 from \"main\".\"m\")\n")
    }

    @Test("whitespace control and comments")
    func whitespace() throws {
        #expect(try render("a  {{- ref('b') -}}  c{# note #}") == "a\"main\".\"b\"c")
        #expect(try render("x\n{%- if is_incremental() -%}\n y \n{%- endif %}", incremental: true) == "xy")
    }

    @Test(
        "unsupported Jinja is rejected with the file and line",
        arguments: [
            ("select 1\n{% for x in y %}{% endfor %}", 2, "unsupported statement"),
            ("select {{ ref('a') | upper }}", 1, "unsupported expression"),
            ("select 1\n\n{% if is_incremental() %} a {% else %} b {% endif %}", 3, "unsupported statement {% else %}"),
            ("{% if is_incremental() %} a", 1, "never closed"),
            ("select {{ ref(x) }}", 1, "'x' is not supported here"),
            ("{% macro m() %}{% endmacro %}", 1, "unsupported statement"),
            ("select {{ 'a' ~ 'b' }}", 1, "expected a function name"),
            ("select {{ ref('a' }}", 1, "unclosed '('"),
        ])
    func rejects(source: String, line: Int, fragment: String) {
        do {
            _ = try JinjaTemplate(source, file: "models/m.sql")
            Issue.record("expected an error for \(source)")
        } catch let error as TransformError {
            #expect(error.code == .unsupportedJinja)
            #expect(error.file == "models/m.sql")
            #expect(error.line == line)
            #expect(error.message.contains(fragment), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    func render(_ source: String, target: String, incremental: Bool = false, macros: String? = nil) throws -> String {
        let template = try JinjaTemplate(source, file: "models/m.sql")
        var context = JinjaTemplate.Context(isIncremental: incremental, targetType: target)
        if let macros {
            for macro in try JinjaTemplate(macros, file: "macros/m.sql", isMacroFile: true).macros { context.macros[macro.name] = macro }
        }
        return try template.render(context) { call, _ in
            switch call.name {
            case "var": return call.arguments.count > 1 ? call.arguments[1].text! : "?"
            case "this": return "[dbo].[m]"
            default: return "<\(call.name)>"
            }
        }
    }

    @Test("target.type branches: ==, !=, elif, else, nested in and around is_incremental()")
    func targetBranches() throws {
        let source = """
            a {% if target.type == 'sqlserver' %}T{% elif target.type == "postgres" %}P{% else %}D{% endif %} b
            {%- if target.type != 'sqlserver' %} not-mssql{% endif %}
            {% if is_incremental() %}i {% if target.type == 'sqlserver' %}dateadd(day, -{{ var('n', 7) }}, x){% else %}x - {{ var('n', 7) }}{% endif %}{% endif %}
            """
        #expect(try render(source, target: "sqlserver") == "a T b\n")
        #expect(try render(source, target: "postgres") == "a P b not-mssql\n")
        #expect(try render(source, target: "duckdb", incremental: true) == "a D b not-mssql\ni x - 7")
        #expect(try render(source, target: "sqlserver", incremental: true) == "a T b\ni dateadd(day, -7, x)")
        #expect(try render("{% if target.type == 'sqlserver' -%}\n  T\n{%- else -%}\n  D\n{%- endif %}", target: "duckdb") == "D")
    }

    @Test("macros: argument-less, adapter.dispatch picks <target>__name, else default__name")
    func macros() throws {
        let macros = """
            {# types #}
            {% macro text_type() %}{{ return(adapter.dispatch('text_type', 'convai')()) }}{% endmacro %}
            {% macro default__text_type() %}VARCHAR{% endmacro %}
            {% macro sqlserver__text_type() %}NVARCHAR(4000){% endmacro %}
            {% macro flag() -%}
                {% if target.type == 'sqlserver' %}BIT{% else %}BOOLEAN{% endif %}
            {%- endmacro %}
            """
        let source = "CAST(x AS {{ text_type() }}), CAST(y AS {{ flag() }})"
        #expect(try render(source, target: "sqlserver", macros: macros) == "CAST(x AS NVARCHAR(4000)), CAST(y AS BIT)")
        #expect(try render(source, target: "duckdb", macros: macros) == "CAST(x AS VARCHAR), CAST(y AS BOOLEAN)")
        let noDefault = "{% macro t() %}{{ return(adapter.dispatch('t')()) }}{% endmacro %}{% macro sqlserver__t() %}N{% endmacro %}"
        #expect(throws: TransformError.self) { try render("{{ t() }}", target: "duckdb", macros: noDefault) }
        #expect(throws: TransformError.self) { try JinjaTemplate("select 1 {% macro m() %}x{% endmacro %}", file: "macros/m.sql", isMacroFile: true) }
        #expect(throws: TransformError.self) { try JinjaTemplate("{% macro m() %}x", file: "macros/m.sql", isMacroFile: true) }
        #expect(throws: TransformError.self) { try JinjaTemplate("{% if target.type == 'x' %}a{% else %}b{% else %}c{% endif %}", file: "models/m.sql") }
    }
}
