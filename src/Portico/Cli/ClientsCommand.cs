using System.CommandLine;
using Portico.Access;
using Portico.Identity;
using Portico.Storage;

namespace Portico.Cli;

/// <summary>
/// <c>portico clients add | list | remove</c>: pre-registered OAuth clients, held to the same rules as Dynamic Client
/// Registration. A confidential client's secret is printed once; the store keeps its hash.
/// </summary>
internal static class ClientsCommand
{
    private const string StoreItNow = "Store it now, it is not shown again.";

    public static Command Create()
    {
        var command = new Command("clients",
            "Pre-register OAuth clients (apps that sign users in, back ends using client_credentials as a service principal, resource servers that introspect), list and remove them.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command Add()
    {
        var name = new Option<string>("--name") { Description = "Shown to users on the consent page.", Required = true };
        var redirectUris = new Option<string[]>("--redirect-uri")
        {
            Description = "Where codes are sent (repeatable): https, http://127.0.0.1/… for a local app (any port), or an app's own scheme.",
            AllowMultipleArgumentsPerToken = false,
        };
        var isPublic = new Option<bool>("--public") { Description = "A public client (a CLI, desktop or mobile app): no secret, PKCE only." };
        var confidential = new Option<bool>("--confidential") { Description = "A confidential client (a server): gets a secret, printed once." };
        var authMethod = new Option<string?>("--auth-method") { Description = "For --confidential: client_secret_basic (default) or client_secret_post." };
        var grantTypes = new Option<string?>("--grant-types")
        {
            Description = "Comma-separated: authorization_code, refresh_token, client_credentials, device_code "
                + "(default: authorization_code,refresh_token with a --redirect-uri, plus client_credentials with --service-principal).",
        };
        var scopes = new Option<string?>("--scopes")
        {
            Description = "Comma- or space-separated OAuth scopes the client may ask for, e.g. portico/records.read (default: all; required for client_credentials).",
        };
        var servicePrincipal = new Option<string?>("--service-principal")
        {
            Description = "For client_credentials: the user (email) the client's tokens act as; must be a member of --tenant.",
        };
        var tenant = new Option<string?>("--tenant") { Description = "For client_credentials: the tenant the client's tokens are bound to." };
        var introspection = new Option<bool>("--introspection")
        {
            Description = "For --confidential: a resource server that may introspect any token at /oauth/introspect (others see only their own tokens).",
        };
        return AdminCommand.Create("add", "Register an OAuth client; a confidential client's secret is printed once.",
            [name, redirectUris, isPublic, confidential, authMethod, grantTypes, scopes, servicePrincipal, tenant, introspection], async (parse, cli, cancellationToken) =>
            {
                if (parse.GetValue(isPublic) == parse.GetValue(confidential))
                {
                    throw new AccessException("Say whether the client can keep a secret: pass exactly one of --public or --confidential.",
                        "--public for an app on a user's machine (a CLI, desktop or mobile app), --confidential for a server.");
                }

                var secretKept = parse.GetValue(confidential);
                var method = parse.GetValue(authMethod) ?? (secretKept ? "client_secret_basic" : "none");
                if (secretKept == (method == "none"))
                {
                    throw new AccessException($"--auth-method {method} does not fit a {(secretKept ? "confidential" : "public")} client.",
                        "A public client uses none (leave --auth-method out); a confidential client uses client_secret_basic or client_secret_post.");
                }

                var uris = parse.GetValue(redirectUris) ?? [];
                var principal = parse.GetValue(servicePrincipal);
                var mayIntrospect = parse.GetValue(introspection);
                var grants = GrantTypes(parse.GetValue(grantTypes), uris.Length > 0, principal is not null, mayIntrospect);
                var scope = parse.GetValue(scopes)?.Replace(',', ' ');
                var (client, secret) = await UnderRegistrationRulesAsync(() => new ClientAdmin(cli.Db, cli.Services.GetRequiredService<GrantTypes>(), cli.Time)
                    .AddAsync(parse.GetValue(name), method, uris, grants, scope, principal, parse.GetValue(tenant), mayIntrospect, cancellationToken));
                if (cli.Json)
                {
                    await cli.WriteJsonAsync(ToOutput(client) with { ClientSecret = secret }, CliJsonContext.Relaxed.ClientOutput);
                    if (secret is not null)
                    {
                        await cli.Error.WriteLineAsync($"The client secret is in the output above. {StoreItNow}");
                    }

                    return;
                }

                await cli.Output.WriteLineAsync($"Registered {TypeOf(client)} OAuth client '{client.Name}'.");
                await cli.Output.WriteLineAsync($"client_id: {client.Id}");
                await cli.Output.WriteLineAsync($"Grants: {(client.GrantTypes.Length == 0 ? "none" : string.Join(", ", client.GrantTypes.Split(' ')))}. "
                    + $"Redirect URIs: {(uris.Length == 0 ? "none" : string.Join(", ", uris))}. Scopes: {client.Scope ?? "all"}.");
                if (client.ServiceUserId is not null)
                {
                    await cli.Output.WriteLineAsync($"client_credentials tokens act as {principal!.Trim().ToLowerInvariant()}, bound to tenant {client.TenantId}.");
                }

                if (client.MayIntrospect)
                {
                    await cli.Output.WriteLineAsync("It may introspect any token at /oauth/introspect.");
                }
                if (secret is not null)
                {
                    await cli.Output.WriteLineAsync();
                    await cli.Output.WriteLineAsync($"    client_secret: {secret}");
                    await cli.Output.WriteLineAsync();
                    await cli.Output.WriteLineAsync($"{StoreItNow} The client authenticates with {method} at /oauth/token.");
                }
            });
    }

    private static Command List()
        => AdminCommand.Create("list", "List OAuth clients: pre-registered, self-registered and those known by a metadata document URL.", [], async (parse, cli, cancellationToken) =>
        {
            var clients = (await new ClientAdmin(cli.Db, cli.Services.GetRequiredService<GrantTypes>(), cli.Time).ListAsync(cancellationToken)).Select(ToOutput).ToList();
            if (cli.Json)
            {
                await cli.WriteJsonAsync(clients, CliJsonContext.Relaxed.ListClientOutput);
                return;
            }

            if (clients.Count == 0)
            {
                await cli.Output.WriteLineAsync("No OAuth clients yet. Add one with: portico clients add --name \"My app\" --public --redirect-uri http://127.0.0.1/callback");
                return;
            }

            var table = new CliTable("CLIENT ID", "NAME", "TYPE", "VERIFIED", "GRANTS", "REDIRECT URIS", "CREATED");
            foreach (var client in clients)
            {
                table.Add(client.ClientId, client.Name ?? "-", client.Type, client.Verified ? "yes" : "no", client.GrantTypes.Count == 0 ? "-" : string.Join(',', client.GrantTypes.Select(Short)),
                    client.RedirectUris.Count == 0 ? "-" : string.Join(' ', client.RedirectUris), CliTable.When(client.CreatedAt));
            }

            await table.WriteAsync(cli.Output);
        });

    private static Command Remove()
    {
        var id = new Option<string>("--client-id") { Description = "The client_id (see 'portico clients list').", Required = true };
        return AdminCommand.Create("remove", "Remove an OAuth client; its grants are revoked and running servers refuse its tokens.", [id], async (parse, cli, cancellationToken) =>
        {
            var clientId = parse.GetValue(id)!;
            var removed = await new ClientAdmin(cli.Db, cli.Services.GetRequiredService<GrantTypes>(), cli.Time).RemoveAsync(clientId, cancellationToken)
                ?? throw new AccessException($"No OAuth client '{clientId}'.", "List the clients with: portico clients list");
            if (cli.Json)
            {
                await cli.WriteJsonAsync(ToOutput(removed), CliJsonContext.Relaxed.ClientOutput);
                return;
            }

            await cli.Output.WriteLineAsync($"Removed OAuth client {removed.Id} ('{removed.Name ?? "unnamed"}'); its grants are revoked.");
        });
    }

    private static List<string> GrantTypes(string? list, bool hasRedirectUris, bool servicePrincipal, bool introspection)
    {
        if (list is not null)
        {
            return [.. list.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(g => g == "device_code" ? DeviceFlow.GrantType : g).Distinct(StringComparer.Ordinal)];
        }

        List<string> grants = hasRedirectUris ? ["authorization_code", "refresh_token"] : [];
        if (servicePrincipal)
        {
            grants.Add("client_credentials");
        }

        return grants.Count > 0 || introspection ? grants : throw new AccessException("A client without --redirect-uri or --service-principal has no grant to use.",
            "Add --redirect-uri http://127.0.0.1/callback (sign-in in a browser), --grant-types device_code for a device without one, "
            + "or --confidential --service-principal EMAIL --tenant ID --scopes … for a back end acting for itself (client_credentials).");
    }

    /// <summary>The shared registration rules answer in OAuth terms; the command line answers with an error and a hint.</summary>
    private static async Task<T> UnderRegistrationRulesAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (OAuthException ex)
        {
            throw new AccessException(ex.Message, ex.Error == "invalid_redirect_uri"
                ? "Pass --redirect-uri with an https URI, http://127.0.0.1/… for a local app, or an app's own scheme (com.example.app:/callback)."
                : "See 'portico clients add --help' for the accepted --auth-method, --grant-types and --scopes values.");
        }
    }

    private static string TypeOf(OAuthClientRecord client)
        => ClientMetadataDocuments.IsUrl(client.Id) ? "metadata document" : client.SecretHash is null ? "public" : "confidential";

    private static string Short(string grant) => grant == DeviceFlow.GrantType ? "device_code" : grant;

    private static ClientOutput ToOutput(OAuthClientRecord client)
        => new(client.Id, client.Name, TypeOf(client), client.AuthMethod, client.RedirectUris.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            client.GrantTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries), client.Scope, client.CreatedAt)
        {
            Verified = ClientNames.IsVerified(client),
            ServiceUserId = client.ServiceUserId,
            TenantId = client.TenantId,
            Introspection = client.MayIntrospect,
        };
}
