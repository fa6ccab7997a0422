namespace Portico.Gateway;

/// <summary>One upstream in <c>/health/vendors</c>.</summary>
internal sealed record VendorHealth(
    string Name,
    string Status,
    int ConsecutiveFailures,
    DateTimeOffset? LastCheckedAt,
    DateTimeOffset? LastSuccessAt,
    string? LastError,
    long? LatencyMs,
    int Tools);

/// <summary>One upstream in <c>/health/vendors</c> as anyone sees it.</summary>
internal sealed record VendorStatus(string Name, string Status);
