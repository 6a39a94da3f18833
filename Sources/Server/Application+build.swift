public import Hummingbird
public import Logging
public import Warehouse
import NIOCore

/// Builds the ConvAI HTTP application: routes, middleware, and the tenant router.
///
/// - Parameter onServerRunning: called with the bound port once the server listens
///   (the port may have been chosen by the system when configured as 0).
public func buildApplication(
    configuration: ConvAIConfiguration,
    tenants: TenantRouter,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router()
    router.add(middleware: LogRequestsMiddleware(.info))
    HealthController(tenants: tenants).register(on: router)
    return Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.server.host, port: configuration.server.port), serverName: "ConvAI"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.server.port) },
        logger: logger
    )
}
