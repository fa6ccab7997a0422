// MCP9005: sampling and roots are deprecated by SEP-2577, but they are two of the three requests an input-required
// result carries (2026-07-28), and what 2025-xx sessions are asked; Portico serves both.
#pragma warning disable MCP9005
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol.Protocol;

namespace Portico.Catalog;

/// <summary>
/// What a re-entrant handler gets back from the client in this round (see <see cref="InputRequired"/>): the answers,
/// by the keys it asked under, and its own state from the previous round. Empty in the first round. The answers are
/// the client's word (it may answer anything); the state is the handler's own, verified as Portico sealed it.
/// </summary>
internal sealed class ClientInput
{
    private static readonly IReadOnlyDictionary<string, InputResponse> NoResponses = new Dictionary<string, InputResponse>();

    public ClientInput(ClientCapabilities? capabilities, IReadOnlyDictionary<string, InputResponse>? responses = null, JsonObject? state = null)
    {
        Capabilities = capabilities;
        Responses = responses ?? NoResponses;
        State = state;
    }

    /// <summary>What the client declared it can answer (per request on 2026-07-28, per session before).</summary>
    public ClientCapabilities? Capabilities { get; }

    /// <summary>The answers of this round as sent, for a handler that passes them on (the gateway); others use the typed readers.</summary>
    public IReadOnlyDictionary<string, InputResponse> Responses { get; }

    /// <summary>The state the handler passed to <see cref="InputRequired"/> last round; null in the first round.</summary>
    public JsonObject? State { get; }

    /// <summary>Whether the client declared the capability that <paramref name="method"/> needs (ask only what it can answer).</summary>
    public bool CanAsk(string method) => method switch
    {
        RequestMethods.ElicitationCreate => Capabilities?.Elicitation is not null,
        RequestMethods.SamplingCreateMessage => Capabilities?.Sampling is not null,
        RequestMethods.RootsList => Capabilities?.Roots is not null,
        _ => false,
    };

    /// <summary>The answer to the elicitation asked under <paramref name="key"/>; null when it was not answered.</summary>
    /// <exception cref="InputRefusedException">The answer is not an elicitation result.</exception>
    public ElicitResult? Elicitation(string key) => Read(key, RequestMethods.ElicitationCreate, InputResponse.ElicitResultJsonTypeInfo);

    /// <summary>The answer to the sampling request asked under <paramref name="key"/>; null when it was not answered.</summary>
    /// <exception cref="InputRefusedException">The answer is not a sampling result.</exception>
    public CreateMessageResult? Sampling(string key) => Read(key, RequestMethods.SamplingCreateMessage, InputResponse.CreateMessageResultJsonTypeInfo);

    /// <summary>The client's roots, asked under <paramref name="key"/>; null when they were not sent.</summary>
    /// <exception cref="InputRefusedException">The answer is not a roots list.</exception>
    public ListRootsResult? Roots(string key) => Read(key, RequestMethods.RootsList, InputResponse.ListRootsResultJsonTypeInfo);

    /// <summary>What is wrong with <paramref name="response"/> as the answer to a <paramref name="method"/> request, or null when it fits.</summary>
    public static string? Problem(string method, JsonElement response)
    {
        if (response.ValueKind != JsonValueKind.Object)
        {
            return $"expected the result of '{method}' (an object), got {Describe(response)}.";
        }

        return method switch
        {
            RequestMethods.ElicitationCreate => response.TryGetProperty("action", out var action) && action.ValueKind == JsonValueKind.String
                    && action.GetString() is "accept" or "decline" or "cancel"
                    && (!response.TryGetProperty("content", out var content) || content.ValueKind is JsonValueKind.Object or JsonValueKind.Null)
                ? null
                : "expected an elicitation result: {\"action\": \"accept\" | \"decline\" | \"cancel\", \"content\": {…}}.",
            RequestMethods.SamplingCreateMessage => response.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String
                    && response.TryGetProperty("content", out var message) && message.ValueKind is JsonValueKind.Object or JsonValueKind.Array
                    && response.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String
                ? null
                : "expected a sampling result: {\"role\", \"content\", \"model\"}.",
            RequestMethods.RootsList => response.TryGetProperty("roots", out var roots) && roots.ValueKind == JsonValueKind.Array
                ? null
                : "expected a roots list: {\"roots\": [{\"uri\": …}]}.",
            _ => null,
        };
    }

    private T? Read<T>(string key, string method, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (!Responses.TryGetValue(key, out var response))
        {
            return null;
        }

        var problem = Problem(method, response.RawValue);
        if (problem is null)
        {
            try
            {
                return response.RawValue.Deserialize(typeInfo) ?? throw new JsonException("null");
            }
            catch (JsonException ex)
            {
                problem = $"the answer to '{method}' does not fit its schema: {ex.Message.Split(". ", 2)[0].TrimEnd('.')}.";
            }
        }

        throw new InputRefusedException(InputRefusedException.ResponseInvalid,
            $"Invalid params: inputResponses['{Hosting.LogValue.Safe(key)}']: {problem} Answer the request sent under that key with its result, unchanged.");
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
