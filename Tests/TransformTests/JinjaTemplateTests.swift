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
}
