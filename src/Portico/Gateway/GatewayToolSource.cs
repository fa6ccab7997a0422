using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Catalog;
using Portico.Hosting;
using Portico.Policy;
using Portico.Schema;
using Portico.Telemetry;

namespace Portico.Gateway;

/// <summary>
/// The upstreams' tools in the catalog, as <c>prefix__tool</c>. An upstream that is down keeps its
/// tools known but unavailable (<c>UPSTREAM_UNAVAILABLE</c>); every change raises
/// <see cref="Changed"/>, which sends tools/list_changed to open sessions. Calls go through the
/// policy pipeline first; <see cref="UpstreamCalls"/> is only their last step.
/// </summary>
internal sealed partial class GatewayToolSource(
    UpstreamCalls calls,
    UpstreamClientPool pool,
    IOptionsMonitor<GatewayOptions> options,
    TimeProvider time,
    ILogger<GatewayToolSource> logger)
    : IDynamicToolSource
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, UpstreamState> _states = new(StringComparer.Ordinal);
    private IReadOnlyList<ToolDefinition> _tools = [];
    private IReadOnlyList<UnavailableTool> _unavailable = [];
    private Dictionary<ToolDefinition, UpstreamDefinition> _owners = new(ReferenceEqualityComparer.Instance);
    private IReadOnlyList<PromptDefinition> _prompts = [];
    private IReadOnlyList<Resource> _resources = [];
    private IReadOnlyList<ResourceTemplate> _templates = [];

    public IReadOnlyList<ToolDefinition> Tools => _tools;

    public IReadOnlyList<UnavailableTool> Unavailable => _unavailable;

    public IReadOnlyList<PromptDefinition> Prompts => _prompts;

    public IReadOnlyList<Resource> Resources => _resources;

    public IReadOnlyList<ResourceTemplate> Templates => _templates;

    /// <summary>Reads <c>prefix+uri</c> from the upstream <c>prefix</c> while it is up; any other URI is not this source's.</summary>
    public Func<RequestContext<ReadResourceRequestParams>, CancellationToken, ValueTask<ReadResourceResult>>? ReaderFor(string uri)
    {
        if (!GatewayResourceUris.TrySplit(uri, out var prefix, out var original))
        {
            return null;
        }

        UpstreamDefinition upstream;
        lock (_lock)
        {
            if (!_states.TryGetValue(prefix, out var state) || state.Status(options.CurrentValue.FailureThreshold) == "down")
            {
                return null;
            }

            upstream = state.Definition;
        }

        return (request, cancellationToken) => calls.ReadResourceAsync(upstream, original, request, cancellationToken);
    }

    public event Action? Changed;

    /// <summary>The upstream a served tool proxies to; null for any other tool.</summary>
    public UpstreamDefinition? UpstreamOf(ToolDefinition tool) => _owners.GetValueOrDefault(tool);

    /// <summary>Takes the store's upstreams as they are now: new ones are added, removed or changed ones lose their sessions.</summary>
    public async Task ApplyAsync(IReadOnlyList<UpstreamDefinition> upstreams)
    {
        var closed = new List<string>();
        lock (_lock)
        {
            var wanted = upstreams.Where(u => u.Enabled).ToDictionary(u => u.Name, StringComparer.Ordinal);
            foreach (var name in _states.Keys.ToList())
            {
                if (!wanted.TryGetValue(name, out var definition) || !definition.SameAs(_states[name].Definition))
                {
                    _states.Remove(name);
                    closed.Add(name);
                }
            }

            foreach (var upstream in wanted.Values)
            {
                _states.TryAdd(upstream.Name, new UpstreamState(upstream));
            }
        }

        foreach (var name in closed)
        {
            await pool.CloseAsync(name);
        }

        Publish();
    }

    /// <summary>The upstreams to check, with the client the check uses.</summary>
    public IReadOnlyList<UpstreamDefinition> Upstreams()
    {
        lock (_lock)
        {
            return [.. _states.Values.Select(s => s.Definition)];
        }
    }

    /// <summary>The tools of <paramref name="name"/> as served here; null when this instance does not serve it (unknown or disabled).</summary>
    public UpstreamTools? ToolsOf(string name)
    {
        lock (_lock)
        {
            return _states.TryGetValue(name, out var state) ? new UpstreamTools(state.Tools, state.Refused) : null;
        }
    }

    public bool NeedsToolList(string name)
    {
        lock (_lock)
        {
            return _states.TryGetValue(name, out var state) && (state.ToolsStale || state.Status(options.CurrentValue.FailureThreshold) == "down");
        }
    }

    /// <summary>Whether a check of this upstream definition has succeeded since it was loaded (then its checks get the normal timeout).</summary>
    public bool HasAnswered(string name)
    {
        lock (_lock)
        {
            return _states.TryGetValue(name, out var state) && state.LastSuccessAt is not null;
        }
    }

    public void MarkToolsStale(string name)
    {
        lock (_lock)
        {
            if (_states.TryGetValue(name, out var state))
            {
                state.ToolsStale = true;
            }
        }
    }

    public void RecordSuccess(UpstreamDefinition upstream, long latencyMs, UpstreamListing? listed)
    {
        var changed = false;
        lock (_lock)
        {
            if (!_states.TryGetValue(upstream.Name, out var state) || !ReferenceEquals(state.Definition, upstream))
            {
                return;
            }

            changed = state.Status(options.CurrentValue.FailureThreshold) != "up";
            state.ConsecutiveFailures = 0;
            PorticoMetrics.RecordUpstreamHealth(upstream.Name, healthy: true, 0);
            state.LastCheckedAt = state.LastSuccessAt = time.GetUtcNow();
            state.LatencyMs = latencyMs;
            state.LastError = null;
            if (listed is not null)
            {
                (state.Tools, state.Refused) = Build(upstream, listed.Tools);
                state.Prompts = [.. listed.Prompts.Select(p => BuildPrompt(upstream, p))];
                state.Resources = [.. listed.Resources.Select(r => Namespaced(upstream, r))];
                state.Templates = [.. listed.Templates.Select(t => Namespaced(upstream, t))];
                state.ToolsStale = false;
                state.LastError = state.Refused.Count == 0 ? null : string.Join("; ", state.Refused.Select(r => r.Message));
                changed = true;
            }
        }

        if (changed)
        {
            LogUp(logger, upstream.Name, latencyMs);
            Publish();
        }
    }

    public void RecordFailure(UpstreamDefinition upstream, string error)
    {
        bool wentDown;
        int failures;
        lock (_lock)
        {
            if (!_states.TryGetValue(upstream.Name, out var state) || !ReferenceEquals(state.Definition, upstream))
            {
                return;
            }

            var threshold = options.CurrentValue.FailureThreshold;
            var before = state.Status(threshold);
            state.ConsecutiveFailures++;
            state.LastCheckedAt = time.GetUtcNow();
            state.LastError = error;
            state.LatencyMs = null;
            failures = state.ConsecutiveFailures;
            wentDown = before != "down" && state.Status(threshold) == "down";
            PorticoMetrics.RecordUpstreamHealth(upstream.Name, healthy: state.Status(threshold) != "down", failures);
        }

        LogCheckFailed(logger, upstream.Name, failures, error);
        if (wentDown)
        {
            LogDown(logger, upstream.Name, failures);
            Publish();
        }
    }

    public List<VendorHealth> Health()
    {
        var threshold = options.CurrentValue.FailureThreshold;
        lock (_lock)
        {
            return [.. _states.Values.OrderBy(s => s.Definition.Name, StringComparer.Ordinal).Select(s => new VendorHealth(
                s.Definition.Name, s.Status(threshold), s.ConsecutiveFailures, s.LastCheckedAt, s.LastSuccessAt, s.LastError, s.LatencyMs, s.Tools?.Count ?? 0))];
        }
    }

    /// <summary>Recomputes the served and the unavailable tools and tells the catalog.</summary>
    private void Publish()
    {
        var threshold = options.CurrentValue.FailureThreshold;
        var tools = new List<ToolDefinition>();
        var unavailable = new List<UnavailableTool>();
        var owners = new Dictionary<ToolDefinition, UpstreamDefinition>(ReferenceEqualityComparer.Instance);
        var prompts = new List<PromptDefinition>();
        var resources = new List<Resource>();
        var templates = new List<ResourceTemplate>();
        lock (_lock)
        {
            foreach (var state in _states.Values)
            {
                unavailable.AddRange(state.Refused);
                if (state.Status(threshold) != "down" && state.Tools is { } served)
                {
                    tools.AddRange(served);
                    foreach (var tool in served)
                    {
                        owners[tool] = state.Definition;
                    }

                    // Prompts and resources of a down upstream are not explained, just hidden: MCP has no "unavailable" for them.
                    prompts.AddRange(state.Prompts);
                    resources.AddRange(state.Resources);
                    templates.AddRange(state.Templates);

                    continue;
                }

                if (state.Status(threshold) != "down" && state.Definition.CredentialMode == UpstreamDefinition.CredentialsOAuth)
                {
                    // Reachable, but its tools are listed only with a user's token: every call under its prefix gets the caller's connect link.
                    unavailable.Add(calls.AwaitingSignIn(state.Definition));
                    continue;
                }

                var hint = $"The upstream '{state.Definition.Name}' failed its last {state.ConsecutiveFailures} health checks ({state.LastError ?? "not reachable yet"}). "
                    + "Its tools come back by themselves once it answers again; see /health/vendors.";
                var message = $"Upstream '{state.Definition.Name}' is unavailable.";
                var names = state.Tools is { Count: > 0 } known ? known.Select(t => t.Name) : [state.Definition.Name + VendorToolNames.Separator + "*"];
                unavailable.AddRange(names.Select(n => new UnavailableTool(n, "UPSTREAM_UNAVAILABLE", message, hint)));
            }

            _tools = tools;
            _unavailable = unavailable;
            _owners = owners;
            _prompts = prompts;
            _resources = resources;
            _templates = templates;
        }

        Changed?.Invoke();
    }

    private (IReadOnlyList<ToolDefinition>, IReadOnlyList<UnavailableTool>) Build(UpstreamDefinition upstream, IList<Tool> listed)
    {
        var settings = options.CurrentValue;
        var tools = new List<ToolDefinition>();
        var refused = new List<UnavailableTool>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var original in listed.Where(t => upstream.Offers(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var name = VendorToolNames.Build(upstream.Name, original.Name);
            if (!taken.Add(name))
            {
                LogNameCollision(logger, upstream.Name, original.Name, name);
                continue;
            }

            CompiledSchema validator;
            try
            {
                validator = JsonSchemaCompiler.Compile(original.InputSchema);
            }
            catch (UnsupportedSchemaException ex)
            {
                // Only an invalid schema gets here (unknown keywords are annotations); calling it unchecked
                // would bypass validation, so refuse it visibly instead.
                LogSchemaUnsupported(logger, upstream.Name, original.Name, ex.Message);
                refused.Add(new UnavailableTool(name, "SCHEMA_UNSUPPORTED", $"The input schema of '{original.Name}' on upstream '{upstream.Name}' cannot be validated: {ex.Message}",
                    "The upstream must fix the schema at the places named, or an operator can deny the tool (upstream deny list)."));
                continue;
            }

            var readOnly = original.Annotations?.ReadOnlyHint == true;
            var upstreamName = original.Name;
            tools.Add(new ToolDefinition
            {
                Tool = new Tool
                {
                    Name = name,
                    Title = original.Title,
                    Description = original.Description,
                    InputSchema = original.InputSchema,
                    OutputSchema = original.OutputSchema,
                    Annotations = original.Annotations,
                    Icons = original.Icons,
                },
                Owner = upstream.Name,
                UpstreamTool = original,
                RequiredScope = readOnly ? settings.ReadScope : settings.WriteScope,
                Write = !readOnly,
                NeedsTenant = upstream.CredentialMode == UpstreamDefinition.CredentialsTenant,
                InputValidator = validator,
                // A client that holds tasks may get the upstream's task (relayed as Portico's); any other call is forwarded as is.
                Handler = (invocation, cancellationToken) => UpstreamTaskStart.Of(invocation) is { } start
                    ? start.CallAsync(upstream, upstreamName, invocation, () => calls.CallToolAsync(upstream, upstreamName, invocation, cancellationToken), cancellationToken)
                    : calls.CallToolAsync(upstream, upstreamName, invocation, cancellationToken),
            });
        }

        return (tools, refused);
    }

    private PromptDefinition BuildPrompt(UpstreamDefinition upstream, Prompt original)
    {
        var prompt = new Prompt
        {
            Name = VendorToolNames.Build(upstream.Name, original.Name),
            Title = original.Title,
            Description = original.Description,
            Arguments = original.Arguments,
            Icons = original.Icons,
        };
        return new PromptDefinition(prompt, (request, cancellationToken) => calls.GetPromptAsync(upstream, original.Name, prompt.Name, request, cancellationToken));
    }

    private static Resource Namespaced(UpstreamDefinition upstream, Resource original) => new()
    {
        Uri = GatewayResourceUris.Build(upstream.Name, original.Uri),
        Name = original.Name,
        Title = original.Title,
        Description = original.Description,
        MimeType = original.MimeType,
        Annotations = original.Annotations,
        Size = original.Size,
        Icons = original.Icons,
    };

    private static ResourceTemplate Namespaced(UpstreamDefinition upstream, ResourceTemplate original) => new()
    {
        UriTemplate = GatewayResourceUris.Build(upstream.Name, original.UriTemplate),
        Name = original.Name,
        Title = original.Title,
        Description = original.Description,
        MimeType = original.MimeType,
        Annotations = original.Annotations,
        Icons = original.Icons,
    };

    [LoggerMessage(EventId = 1210, Level = LogLevel.Information, Message = "Upstream {Upstream} is up ({LatencyMs} ms)")]
    private static partial void LogUp(ILogger logger, string upstream, long latencyMs);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Warning, Message = "Upstream {Upstream} health check failed ({Failures} in a row): {Error}")]
    private static partial void LogCheckFailed(ILogger logger, string upstream, int failures, LogValue error);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Error, Message = "Upstream {Upstream} is down after {Failures} failed checks; its tools are unavailable")]
    private static partial void LogDown(ILogger logger, string upstream, int failures);

    [LoggerMessage(EventId = 1213, Level = LogLevel.Warning, Message = "Upstream {Upstream}: tool {Tool} has an input schema Portico cannot validate ({Reason}); it is not offered")]
    private static partial void LogSchemaUnsupported(ILogger logger, string upstream, LogValue tool, LogValue reason);

    [LoggerMessage(EventId = 1214, Level = LogLevel.Warning, Message = "Upstream {Upstream}: tool {Tool} maps to {Name}, which another of its tools already has; it is not offered")]
    private static partial void LogNameCollision(ILogger logger, string upstream, LogValue tool, LogValue name);

}
