// MCP9005: sampling and roots are deprecated by SEP-2577, but they are two of the three requests an input-required
// result carries (2026-07-28), and what 2025-xx sessions are asked; Portico serves both.
#pragma warning disable MCP9005
using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Hosting;

namespace Portico.Policy;

/// <summary>
/// The rounds of an input-required exchange (SEP-2322), for every source that asks (native tools, prompts, the gateway):
/// <see cref="Seal"/> turns a handler's <see cref="InputRequired"/> into the SDK's <see cref="InputRequiredException"/>
/// with the handler's state sealed into <c>requestState</c>; <see cref="Open"/> reads a retry's <c>requestState</c> and
/// <c>inputResponses</c> back into the <see cref="ClientInput"/> the handler sees. Nothing is kept between rounds: the
/// state travels with the client, so any instance serves the next round. For a 2025-xx session the SDK sends the
/// requests as server→client requests and calls the handler again with the answers and the same sealed state.
/// </summary>
/// <remarks>
/// The state is Data Protection's authenticated encryption under a purpose of its own (the key ring is shared through
/// the store), bound to the caller (user and credential), the method and name, the arguments (a hash of their
/// canonical form), the URL's tenant and upstream, and an expiry. A state replayed within those bounds is the same
/// caller repeating the same call, which a lost response makes legitimate, so it is not single-use.
/// </remarks>
internal sealed partial class InputRounds(IDataProtectionProvider protection, IOptionsMonitor<PolicyOptions> options, TimeProvider time, ILogger<InputRounds> logger)
{
    /// <summary>A longer <c>requestState</c> is refused before it is decrypted.</summary>
    public const int MaxStateLength = 256 * 1024;

    private const int Version = 1;

    private const string StartOver = "Call again without requestState and inputResponses to start over.";

    private readonly IDataProtector _protector = protection.CreateProtector("Portico.Policy.InputRequiredState.v1");

    /// <summary>
    /// This round's input for the handler of <paramref name="method"/> <paramref name="name"/>: empty in the first
    /// round; with a <c>requestState</c>, only the answers to what was asked then, each checked against the request's kind.
    /// </summary>
    /// <exception cref="InputRefusedException">The state is not one this server sealed for this caller and call, or it
    /// expired; or an answer does not fit the request it answers.</exception>
    public ClientInput Open(McpCallContext call, string method, string name, JsonElement arguments, RequestParams? parameters, ClientCapabilities? capabilities)
    {
        var responses = parameters?.InputResponses;
        if (parameters?.RequestState is not { } sealedState)
        {
            // No state: a first call, or a client answering without echoing one. The answers are the client's word
            // either way; the handler reads the keys it knows and asks again for what is missing.
            return new ClientInput(capabilities, responses is null ? null : new Dictionary<string, InputResponse>(responses, StringComparer.Ordinal));
        }

        var envelope = Unseal(call, method, name, sealedState);
        if (envelope["u"]?.GetValue<string>() != call.Principal.Id || envelope["c"]?.GetValue<string>() != call.Principal.CredentialId)
        {
            throw Refused(call, name, "foreign", $"Invalid params: 'requestState' was issued to another caller. {StartOver}");
        }

        if (envelope["m"]?.GetValue<string>() != method || envelope["n"]?.GetValue<string>() != name)
        {
            throw Refused(call, name, "other-call",
                $"Invalid params: 'requestState' was issued for {envelope["m"]} '{LogValue.Safe(envelope["n"]?.GetValue<string>())}', not {method} '{LogValue.Safe(name)}'. {StartOver}");
        }

        if (envelope["a"]?.GetValue<string>() != Binding(call, arguments))
        {
            throw Refused(call, name, "other-arguments",
                $"Invalid params: 'requestState' was issued for other arguments (or another tenant or upstream URL). Retry with the arguments of the first call, or: {StartOver}");
        }

        var expires = DateTimeOffset.FromUnixTimeMilliseconds(envelope["e"]?.GetValue<long>() ?? 0);
        if (expires <= time.GetUtcNow())
        {
            throw Refused(call, name, "expired",
                $"Invalid params: 'requestState' expired at {expires:O} (input-required states are valid for {options.CurrentValue.InputStateLifetime.TotalMinutes:0.#} minutes). {StartOver}");
        }

        var answered = new Dictionary<string, InputResponse>(StringComparer.Ordinal);
        foreach (var (key, asked) in envelope["q"] as JsonObject ?? [])
        {
            // Answers to keys that were not asked are ignored, as the specification asks of unrecognised information.
            if (responses is null || !responses.TryGetValue(key, out var response))
            {
                continue;
            }

            var askedMethod = asked!.GetValue<string>();
            if (ClientInput.Problem(askedMethod, response.RawValue) is { } problem)
            {
                throw new InputRefusedException(InputRefusedException.ResponseInvalid,
                    $"Invalid params: inputResponses['{LogValue.Safe(key)}'] answers a '{askedMethod}' request: {problem}");
            }

            answered[key] = response;
        }

        return new ClientInput(capabilities, answered, envelope["s"] as JsonObject);
    }

    /// <summary>
    /// The SDK's answer for <paramref name="asked"/>: the requests as they are and the handler's state sealed for this
    /// caller and call. A request the client declared no capability for is refused (-32021, naming the capability).
    /// </summary>
    public InputRequiredException Seal(McpCallContext call, string method, string name, JsonElement arguments, InputRequired asked, ClientCapabilities? capabilities)
    {
        var check = new ClientInput(capabilities);
        var requested = new JsonObject();
        var missing = new ClientCapabilities();
        var lacking = new List<string>();
        foreach (var (key, request) in asked.Requests)
        {
            if (request.Method is not (RequestMethods.ElicitationCreate or RequestMethods.SamplingCreateMessage or RequestMethods.RootsList))
            {
                throw new InvalidOperationException($"'{name}' asked the client for '{request.Method}', which is not an input request (elicitation/create, sampling/createMessage, roots/list).");
            }

            if (!check.CanAsk(request.Method))
            {
                lacking.Add(request.Method);
                if (request.Method == RequestMethods.ElicitationCreate)
                {
                    missing.Elicitation = new ElicitationCapability();
                }
                else if (request.Method == RequestMethods.SamplingCreateMessage)
                {
                    missing.Sampling = new SamplingCapability();
                }
                else
                {
                    missing.Roots = new RootsCapability();
                }
            }

            requested[key] = request.Method;
        }

        if (lacking.Count > 0)
        {
            throw new MissingRequiredClientCapabilityException(missing,
                $"'{name}' needs to ask the client ({string.Join(", ", lacking.Distinct())}), but the request declared no such capability. " +
                "Declare it in _meta['io.modelcontextprotocol/clientCapabilities'] (or in initialize) if the client can answer, and call again.");
        }

        var envelope = new JsonObject
        {
            ["v"] = Version,
            ["m"] = method,
            ["n"] = name,
            ["a"] = Binding(call, arguments),
            ["u"] = call.Principal.Id,
            ["c"] = call.Principal.CredentialId,
            ["e"] = (time.GetUtcNow() + options.CurrentValue.InputStateLifetime).ToUnixTimeMilliseconds(),
            ["q"] = requested,
            ["s"] = asked.State?.DeepClone(),
        };
        var state = WebEncoders.Base64UrlEncode(_protector.Protect(JsonSerializer.SerializeToUtf8Bytes(envelope, McpJson.Options.GetTypeInfo(typeof(JsonObject)))));
        if (logger.IsEnabled(LogLevel.Information))
        {
            var requests = string.Join(", ", asked.Requests.Select(r => $"{r.Key}={r.Value.Method}"));
            LogAsked(logger, name, call.RequestId, requests);
        }

        return new InputRequiredException(new InputRequiredResult
        {
            InputRequests = asked.Requests.Count == 0 ? null : new Dictionary<string, InputRequest>(asked.Requests, StringComparer.Ordinal),
            RequestState = state,
        });
    }

    private JsonObject Unseal(McpCallContext call, string method, string name, string sealedState)
    {
        if (sealedState.Length > MaxStateLength)
        {
            throw Refused(call, name, "too-long", $"Invalid params: 'requestState' is longer than {MaxStateLength} characters, so it is not one this server issued. {StartOver}");
        }

        try
        {
            var plain = _protector.Unprotect(WebEncoders.Base64UrlDecode(sealedState));
            if (JsonNode.Parse(plain) is JsonObject envelope && envelope["v"] is JsonValue version && version.TryGetValue<int>(out var v) && v == Version)
            {
                return envelope;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException or InvalidOperationException)
        {
            // Altered, cut short, made up, or sealed under a key this store never had: all the same to the client.
        }

        throw Refused(call, name, "tampered",
            $"Invalid params: 'requestState' was not issued by this server for {method}, or it was altered; echo it exactly as the input_required result gave it. {StartOver}");
    }

    /// <summary>The call a state belongs to besides its name: the arguments in canonical form, the URL's tenant, upstream and toolset.</summary>
    private static string Binding(McpCallContext call, JsonElement arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = ToolArguments.MaxDepth + 2, SkipValidation = true }))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(call.UrlTenantId);
            writer.WriteStringValue(call.Vendor);
            if (call.Toolset is { } toolset)
            {
                // Only then: the states of the other endpoints keep the binding they were sealed with.
                writer.WriteStringValue(toolset.Name);
            }

            WriteCanonical(writer, arguments);
            writer.WriteEndArray();
        }

        return WebEncoders.Base64UrlEncode(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>The same JSON whatever the order of its object members, so a client that reorders them still matches.</summary>
    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Undefined:
                writer.WriteNullValue();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private InputRefusedException Refused(McpCallContext call, string name, string reason, string message)
    {
        LogRefused(logger, reason, name, call.RequestId, call.Principal.Id);
        return new InputRefusedException(InputRefusedException.StateInvalid, message);
    }

    [LoggerMessage(EventId = 320, Level = LogLevel.Information, Message = "{Name} asked the client for input (request {RequestId}): {Requests}")]
    private static partial void LogAsked(ILogger logger, LogValue name, string requestId, LogValue requests);

    [LoggerMessage(EventId = 321, Level = LogLevel.Warning, Message = "Refused the requestState of a retry of {Name} ({Reason}; request {RequestId}, principal {PrincipalId})")]
    private static partial void LogRefused(ILogger logger, string reason, LogValue name, string requestId, string principalId);
}
