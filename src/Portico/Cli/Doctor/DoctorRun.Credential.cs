using System.Text.Json.Nodes;
using Portico.Access;

namespace Portico.Cli.Doctor;

internal sealed partial class DoctorRun
{
    /// <summary>
    /// The credential: its form (Bearer vs raw, stray spaces or quotes, a Portico key's shape), then the handshake with it.
    /// Returns the accepted initialize answer, or null when nothing further can be checked.
    /// </summary>
    private async Task<DoctorReply?> CredentialAsync(Uri endpoint, DoctorReply anonymous, CancellationToken cancellationToken)
    {
        if (token is null)
        {
            if (_requiresCredential)
            {
                Checks.Add(DoctorCheck.Fail("credential", $"no --token; the endpoint answers {anonymous.Summary}{(anonymous.RpcError is { } e ? $": {e}" : "")}",
                    "You didn't send a bearer token (or it expired): every request is refused with 401.",
                    "Pass --token with an API key (Portico: portico keys create) or an OAuth access token. OAuth clients follow the resource_metadata URL in WWW-Authenticate to sign in."));
                return null;
            }

            Checks.Add(DoctorCheck.Skip("credential", "no --token; the endpoint needs none"));
            return anonymous;
        }

        var (bare, problems) = Normalize(token);
        if (bare.Any(char.IsWhiteSpace) || bare.Length == 0)
        {
            Checks.Add(DoctorCheck.Fail("credential", "the token contains spaces or line breaks", "The token was cut or wrapped when copied.", "Copy the whole token again, as one line."));
            return null;
        }

        if (bare.Any(c => c is < '!' or > '~'))
        {
            // Nothing is sent: an HTTP header carries only ASCII, so no client could send this token either.
            Checks.Add(DoctorCheck.Fail("credential", "the token contains characters that are not printable ASCII",
                "The token was changed when copied (smart quotes, an invisible character, another encoding): an HTTP header carries only ASCII, so no client can send it.",
                "Copy the whole token again, as plain text on one line."));
            return null;
        }

        if (ApiKeyFormat.LooksLikeKey(bare) && !ApiKeyFormat.TryParse(bare, out _, out _, out _))
        {
            problems.Add($"it starts with ptk_ but is not shaped {ApiKeyFormat.ExpectedShape} (truncated when copied?)");
        }

        var reply = await InitializeAsync(endpoint, DoctorHttp.Authorization(bare, raw: false), cancellationToken);
        if (Accepted(reply))
        {
            _authorization = DoctorHttp.Authorization(bare, raw: false);
            Checks.Add(problems.Count == 0
                ? DoctorCheck.Pass("credential", _requiresCredential ? "Authorization: Bearer <token> accepted" : "accepted (the endpoint needs none)")
                : DoctorCheck.Warn("credential", "accepted after cleaning it up", $"The token as given: {string.Join("; ", problems)}. A client sends it exactly as configured.",
                    "Configure the client with the bare token: Authorization: Bearer <token>, with no extra spaces or quoted values."));
            return reply;
        }

        if (reply.Status is not (401 or 403))
        {
            // Not a credential problem: the handshake check reports what went wrong.
            _authorization = DoctorHttp.Authorization(bare, raw: false);
            return reply;
        }

        var raw = await InitializeAsync(endpoint, DoctorHttp.Authorization(bare, raw: true), cancellationToken);
        if (Accepted(raw))
        {
            _authorization = DoctorHttp.Authorization(bare, raw: true);
            Checks.Add(DoctorCheck.Warn("credential", "refused as 'Authorization: Bearer <token>', accepted as the raw header value",
                $"This server accepts the key only without the Bearer prefix; most MCP clients send Bearer.{(problems.Count == 0 ? "" : $" The token as given: {string.Join("; ", problems)}.")}",
                "Configure the client to send the raw value as the Authorization header, or ask the operator to accept the Bearer form."));
            return raw;
        }

        var message = reply.RpcError ?? ErrorDescription(reply.Header("WWW-Authenticate")) ?? reply.Summary;
        Checks.Add(reply.Status == 403
            ? DoctorCheck.Fail("credential", $"refused with 403: {message}", "The credential is valid but does not grant this endpoint (scope or membership).",
                "Use a credential with the scope and membership this endpoint needs (Portico: portico keys create --scopes ...; portico members add).")
            : DoctorCheck.Fail("credential", $"refused with 401: {message}{(problems.Count == 0 ? "" : $" ({string.Join("; ", problems)})")}",
                "The token is unknown, revoked or expired (or was truncated when copied); both the Bearer and the raw header form were refused.",
                "Create a new key (Portico: portico keys create) or refresh the OAuth token, and pass it exactly: Authorization: Bearer <token>."));
        return null;
    }

    private static bool Accepted(DoctorReply reply) => reply.Status is >= 200 and < 300 && reply.RpcResult is not null;

    internal static (string Bare, List<string> Problems) Normalize(string given)
    {
        var problems = new List<string>();
        var value = given;
        if (value != value.Trim())
        {
            problems.Add("extra spaces around it");
            value = value.Trim();
        }

        if (value.Length > 1 && value[0] is '"' or '\'' && value[^1] == value[0])
        {
            problems.Add("quotes around it");
            value = value[1..^1].Trim();
        }

        if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("it includes the word 'Bearer' (the client adds that)");
            value = value["Bearer ".Length..].Trim();
        }

        return (value, problems);
    }

    private static string? ErrorDescription(string? challenge)
    {
        const string Marker = "error_description=\"";
        var start = challenge?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
        if (start < 0)
        {
            return null;
        }

        var end = challenge!.IndexOf('"', start + Marker.Length);
        return end < 0 ? null : challenge[(start + Marker.Length)..end];
    }

    private Task<DoctorReply> InitializeAsync(Uri url, string? authorization, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 1,
            ["method"] = "initialize",
            ["params"] = new JsonObject
            {
                ["protocolVersion"] = SessionRevision,
                ["capabilities"] = new JsonObject(),
                ["clientInfo"] = new JsonObject { ["name"] = "portico-doctor", ["version"] = "1.0" },
            },
        };
        List<KeyValuePair<string, string>> headers = [new("Accept", "application/json, text/event-stream")];
        if (authorization is not null)
        {
            headers.Add(new("Authorization", authorization));
        }

        return http.SendAsync(HttpMethod.Post, url, body.ToJsonString(), headers, cancellationToken);
    }
}
