/// Turns a plain question into a checked Cube query: members and values recognised from
/// the tenant's model and data, time expressions resolved against an as-of date, and
/// clarifying questions when the question is too broad (issue 6; built up in parts).
public enum Conversation {}
