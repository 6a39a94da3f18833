import ArgumentParser

@main
struct ConvAI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convai",
        abstract: "ConvAI: conversational analytics over each tenant's own sales warehouse.",
        subcommands: [ServeCommand.self, MigrateCommand.self, SeedCommand.self, SQLCommand.self, TransformCommand.self, TokenCommand.self, AskCommand.self, InsightsCommand.self, DigestCommand.self, SchedulerCommand.self, EvalCommand.self, MetricsCommand.self, PreAggregationCommand.self, BenchCommand.self]
    )
}
