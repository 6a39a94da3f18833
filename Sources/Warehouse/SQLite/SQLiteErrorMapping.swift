import SQLiteNIO

extension WarehouseError {
    /// Wraps an SQLite failure, keeping SQLite's primary result code both in
    /// ``WarehouseError/resultCode`` and in the message, where operators look first.
    ///
    /// SQLiteNIO exposes the result code only as its `Reason` enum (its numeric code is
    /// internal), so the numbers are mapped here; the extended reason (e.g.
    /// `constraintUniqueFailed`) stays in the message.
    static func sqlite(
        _ error: SQLiteError, code: Code = .statementFailed, statement: String?
    ) -> WarehouseError {
        let (number, name) = error.reason.primaryResultCode
        let reason = String(describing: error.reason)
        let detail = reason.lowercased() == name.dropFirst("SQLITE_".count).lowercased() ? "" : ", \(reason)"
        return WarehouseError(
            code, "\(name) (\(number)\(detail)): \(error.message)", statement: statement, resultCode: number)
    }
}

extension SQLiteError.Reason {
    /// The primary result code (https://sqlite.org/rescode.html) and its C name.
    var primaryResultCode: (Int, String) {
        switch self {
        case .error, .errorMissingCollatingSequence, .errorRetry, .errorMissingSnapshot: return (1, "SQLITE_ERROR")
        case .intern: return (2, "SQLITE_INTERNAL")
        case .permission: return (3, "SQLITE_PERM")
        case .abort, .abortByRollback: return (4, "SQLITE_ABORT")
        case .busy, .busyInRecovery, .busyInSnapshot, .busyTimeout: return (5, "SQLITE_BUSY")
        case .locked, .lockedBySharedCache, .lockedVirtualTable: return (6, "SQLITE_LOCKED")
        case .noMemory: return (7, "SQLITE_NOMEM")
        case .readOnly, .readonlyInRecovery, .readonlyCantLock, .readonlyInRollback, .readonlyBackingMoved,
            .readonlyDirectory:
            return (8, "SQLITE_READONLY")
        case .interrupt: return (9, "SQLITE_INTERRUPT")
        case .ioError, .ioErrorFailedRead, .ioErrorIncompleteRead, .ioErrorFailedWrite, .ioErrorFailedSync,
            .ioErrorFailedDirSync, .ioErrorFailedTruncate, .ioErrorFailedStat, .ioErrorFailedUnlock,
            .ioErrorFailedReadLock, .ioErrorFailedDelete, .ioErrorNoMemory, .ioErrorFailedAccess,
            .ioErrorFailedLockCheck, .ioErrorFailedAdvisoryLock, .ioErrorFailedClose, .ioErrorFailedSharedMemOpen,
            .ioErrorFailedSharedMemSize, .ioErrorFailedSharedMemMap, .ioErrorFailedDeleteNonexistent,
            .ioErrorFailedMemoryMap, .ioErrorCantFindTempdir, .ioErrorCygwinPath, .ioErrorBadDataChecksum,
            .ioErrorCorruptedFilesystem:
            return (10, "SQLITE_IOERR")
        case .corrupt, .corruptVirtualTable, .corruptSequenceSchema, .corruptIndex: return (11, "SQLITE_CORRUPT")
        case .notFound: return (12, "SQLITE_NOTFOUND")
        case .full: return (13, "SQLITE_FULL")
        case .cantOpen, .cantOpenDirectory, .cantOpenInvalidPath, .cantOpenCygwinPath, .cantOpenUnfollowedSymlink:
            return (14, "SQLITE_CANTOPEN")
        case .proto: return (15, "SQLITE_PROTOCOL")
        case .empty: return (16, "SQLITE_EMPTY")
        case .schema: return (17, "SQLITE_SCHEMA")
        case .tooBig: return (18, "SQLITE_TOOBIG")
        case .constraint, .constraintCheckFailed, .constraintCommitHookFailed, .constraintForeignKeyFailed,
            .constraintUserFunctionFailed, .constraintNotNullFailed, .constraintPrimaryKeyFailed,
            .constraintTriggerFailed, .constraintUniqueFailed, .constraintVirtualTableFailed,
            .constraintUniqueRowIDFailed, .constraintUpdateTriggerDeletedRow, .constraintStrictDataTypeFailed:
            return (19, "SQLITE_CONSTRAINT")
        case .mismatch: return (20, "SQLITE_MISMATCH")
        case .misuse: return (21, "SQLITE_MISUSE")
        case .noLFS: return (22, "SQLITE_NOLFS")
        case .auth, .authUnauthorizedUser: return (23, "SQLITE_AUTH")
        case .format: return (24, "SQLITE_FORMAT")
        case .range: return (25, "SQLITE_RANGE")
        case .notADatabase: return (26, "SQLITE_NOTADB")
        case .notice, .noticeRecoverWAL, .noticeRecoverRollback: return (27, "SQLITE_NOTICE")
        case .warning, .warningAutoindex: return (28, "SQLITE_WARNING")
        case .row: return (100, "SQLITE_ROW")
        case .done: return (101, "SQLITE_DONE")
        // SQLiteNIO's pre-release reasons, never produced by it; reported as generic errors.
        case .connection, .close, .prepare, .bind, .execute: return (1, "SQLITE_ERROR")
        }
    }
}
