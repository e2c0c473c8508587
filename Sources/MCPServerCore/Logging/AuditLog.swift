import Logging

/// Audit lines: one per security-relevant event, with who, from where, and the outcome. Never a secret.
enum AuditLog {
    static func record(
        _ event: String,
        outcome: String,
        clientID: String?,
        sourceIP: String?,
        detail: String? = nil,
        logger: Logger
    ) {
        var metadata: Logger.Metadata = [
            "audit": "true", "event": .string(event), "outcome": .string(outcome),
            "source_ip": .string(sourceIP ?? "unknown"),
        ]
        if let clientID { metadata["client_id"] = .string(clientID) }
        if let detail { metadata["detail"] = .string(detail) }
        logger.notice("Audit", metadata: metadata)
    }
}
