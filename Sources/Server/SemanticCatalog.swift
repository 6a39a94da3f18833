public import Foundation
public import Logging
public import Semantic
import Warehouse

/// Each tenant's semantic model, loaded once at start: the tenant's own `model_path`, or
/// the shared `model/` folder (loaded once for all tenants that share it).
///
/// A model that does not load is kept as its error, so that one tenant's broken files do
/// not stop the server answering the others.
public struct SemanticCatalog: Sendable {
    struct TenantModel: Sendable {
        var model: DataModel
        var members: MemberCatalog
    }

    private var models: [String: Result<TenantModel, SemanticError>]

    /// Loads the model of every configured tenant.
    public static func load(configuration: ConvAIConfiguration, logger: Logger) -> SemanticCatalog {
        var byFolder: [String: Result<TenantModel, SemanticError>] = [:]
        var models: [String: Result<TenantModel, SemanticError>] = [:]
        for tenant in configuration.tenants {
            let folder = configuration.modelFolder(for: tenant)
            if byFolder[folder.path] == nil {
                do {
                    let model = try DataModel.load(from: folder)
                    byFolder[folder.path] = .success(TenantModel(model: model, members: MemberCatalog(model: model)))
                    logger.info(
                        "loaded semantic model",
                        metadata: ["model.path": "\(folder.path)", "model.cubes": "\(model.cubes.count)",
                                   "model.views": "\(model.views.count)"])
                } catch let error as SemanticError {
                    byFolder[folder.path] = .failure(error)
                    logger.error("semantic model does not load", metadata: ["model.path": "\(folder.path)", "error": "\(error)"])
                } catch {
                    byFolder[folder.path] = .failure(SemanticError(.invalidFile, file: folder.path, "\(error)"))
                }
            }
            models[tenant.id] = byFolder[folder.path]
        }
        return SemanticCatalog(models: models)
    }

    /// A catalog over models already loaded, keyed by tenant id (tests, embedding).
    public init(models: [String: DataModel]) {
        self.models = models.mapValues { .success(TenantModel(model: $0, members: MemberCatalog(model: $0))) }
    }

    private init(models: [String: Result<TenantModel, SemanticError>]) { self.models = models }

    /// The tenant's model, or the error that kept it from loading.
    func model(for tenant: String) throws -> TenantModel {
        guard let result = models[tenant] else {
            throw SemanticError(.invalidFile, "tenant '\(tenant)' has no semantic model")
        }
        return try result.get()
    }

    /// The tenant's data model, for callers outside the server (the CLI, benchmarks).
    public func dataModel(for tenant: String) throws -> DataModel { try model(for: tenant).model }
}
