using ModelContextProtocol;

namespace Portico.Catalog;

/// <summary>
/// A retry whose <c>inputResponses</c> or <c>requestState</c> cannot be used (malformed, tampered, expired, another
/// caller's or another call's): the client's mistake, answered as JSON-RPC -32602 with what is wrong and how to go on.
/// <see cref="Code"/> is what the audit trail records.
/// </summary>
internal sealed class InputRefusedException(string code, string message) : McpProtocolException(message, McpErrorCode.InvalidParams)
{
    public const string ResponseInvalid = "INPUT_RESPONSE_INVALID";
    public const string StateInvalid = "REQUEST_STATE_INVALID";

    public string Code { get; } = code;
}
