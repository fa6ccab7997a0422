using Microsoft.AspNetCore.Http.HttpResults;

namespace Portico.Gateway;

/// <summary>A refused admin API request: what is wrong and what to do.</summary>
internal sealed record GatewayError(string Error, string Hint)
{
    public static JsonHttpResult<GatewayError> Result(int status, string message, string hint)
        => TypedResults.Json(new GatewayError(message, hint), GatewayJsonContext.Default.GatewayError, statusCode: status);
}
