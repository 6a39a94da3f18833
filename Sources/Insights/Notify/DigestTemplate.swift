/// The HTML e-mail of a digest, as a Mustache template compiled into the binary (no
/// bundle resource to lose in deployment).
///
/// Written for e-mail clients, not browsers: table layout, every style inline (Gmail and
/// Outlook drop `<style>` blocks), no script, no image or font fetched from anywhere, at
/// most 640 pixels wide. Every value is inserted with `{{ }}`, which escapes HTML; the
/// template has no triple mustache, so no text from data can become markup.
enum DigestTemplate {
    static let html = #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{subject}}</title>
        </head>
        <body style="margin:0;padding:0;background-color:#f1f3f4;">
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;background-color:#f1f3f4;">
        <tr><td align="center" style="padding:24px 12px;">
        <table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:640px;background-color:#ffffff;border:1px solid #e8eaed;font-family:Arial,Helvetica,sans-serif;color:#202124;">
        <tr><td style="padding:24px 28px 16px 28px;border-bottom:1px solid #e8eaed;">
        <div style="font-size:13px;color:#5f6368;">{{tenantName}}</div>
        <div style="font-size:22px;font-weight:bold;margin-top:4px;">{{headline}}</div>
        <div style="font-size:14px;color:#5f6368;margin-top:6px;">For {{recipientName}} &middot; {{scope}} &middot; data up to {{asOf}}</div>
        </td></tr>
        {{#hasInsights}}
        {{#insights}}
        <tr><td style="padding:18px 28px;border-bottom:1px solid #e8eaed;">
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;">
        <tr>
        <td width="4" style="width:4px;background-color:{{toneColour}};font-size:0;line-height:0;">&nbsp;</td>
        <td style="padding-left:14px;">
        <div style="font-size:12px;font-weight:bold;color:{{toneColour}};">#{{rank}} &middot; {{toneLabel}}</div>
        <div style="font-size:17px;font-weight:bold;margin-top:4px;">{{title}}</div>
        <div style="font-size:14px;line-height:20px;margin-top:6px;">{{text}}</div>
        {{#chart}}
        <div style="font-size:12px;color:#5f6368;margin-top:12px;margin-bottom:4px;">{{chartTitle}}</div>
        {{#isBar}}
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;font-size:12px;">
        {{#bars}}
        <tr>
        <td width="32%" style="width:32%;padding:2px 8px 2px 0;color:#3c4043;">{{label}}</td>
        <td width="50%" style="width:50%;padding:2px 0;">
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;"><tr>
        {{#hasBar}}<td width="{{width}}%" style="width:{{width}}%;height:12px;background-color:{{barColour}};font-size:0;line-height:0;">&nbsp;</td>{{/hasBar}}
        {{#hasRest}}<td width="{{rest}}%" style="width:{{rest}}%;height:12px;font-size:0;line-height:0;">&nbsp;</td>{{/hasRest}}
        </tr></table>
        </td>
        <td width="18%" align="right" style="width:18%;padding:2px 0 2px 8px;white-space:nowrap;color:#202124;">{{value}}</td>
        </tr>
        {{/bars}}
        </table>
        {{/isBar}}
        {{#isLine}}
        <table role="presentation" cellpadding="0" cellspacing="0" border="0" style="font-size:0;line-height:0;">
        <tr>
        {{#columns}}<td valign="bottom" width="20" title="{{columnTitle}}" style="width:20px;height:48px;padding:0 2px;vertical-align:bottom;"><div style="height:{{height}}px;background-color:{{barColour}};font-size:0;line-height:0;">&nbsp;</div></td>{{/columns}}
        </tr>
        </table>
        <div style="font-size:12px;color:#5f6368;margin-top:4px;">{{firstLabel}}: {{firstValue}} &rarr; {{lastLabel}}: {{lastValue}}</div>
        {{/isLine}}
        {{/chart}}
        <div style="font-size:13px;color:#1a73e8;margin-top:10px;">Ask ConvAI: {{followUpQuestion}}</div>
        </td>
        </tr>
        </table>
        </td></tr>
        {{/insights}}
        {{/hasInsights}}
        {{^hasInsights}}
        <tr><td style="padding:28px;font-size:15px;line-height:22px;">{{emptyMessage}}</td></tr>
        {{/hasInsights}}
        <tr><td style="padding:16px 28px;font-size:12px;color:#80868b;">Sent by ConvAI to {{recipientName}} for {{scope}}. Ask a follow-up question in ConvAI to see the numbers behind any insight.</td></tr>
        </table>
        </td></tr>
        </table>
        </body>
        </html>
        """#
}
