using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Identity;
using Portico.Storage;

namespace Portico.Portal;

/// <summary>
/// On an empty store, creates a demo administrator with a password, a demo tenant (plan basic) and an API key, and prints
/// the portal URL, the sign-in, the key and a ready-to-paste client configuration once — none of it is shown again.
/// </summary>
internal sealed partial class DemoSeed(IServiceScopeFactory scopes, IOptions<AccessOptions> options, StoreConnection store, ILogger<DemoSeed> logger) : IHostedService
{
    public const string DemoEmail = "demo@portico.local";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedDemo)
        {
            return;
        }

        // Instances starting together on an empty store: one seeds, the others then find the user.
        await using var seedLock = await StoreLock.AcquireAsync(store, "startup", cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        if (await db.Set<UserRecord>().AnyAsync(cancellationToken))
        {
            return;
        }

        var admin = scope.ServiceProvider.GetRequiredService<AccessAdmin>();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var tenant = await admin.CreateTenantAsync("Demo", "basic", cancellationToken);
        await admin.AddMemberAsync(tenant.Id, DemoEmail, "owner", cancellationToken);
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
        await accounts.AddAsync(DemoEmail, password, "Demo", cancellationToken);
        await accounts.SetAdminAsync(DemoEmail, true, cancellationToken);
        var key = await admin.CreateKeyAsync(DemoEmail, "demo", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: false, cancellationToken);
        LogSeeded(logger, DemoEmail, tenant.Id, key.Record.Id);

        var url = (scope.ServiceProvider.GetRequiredService<IConfiguration>()["urls"]?.Split(';')[0] ?? "http://127.0.0.1:8080").TrimEnd('/');
        Console.WriteLine();
        Console.WriteLine($"Created demo user {DemoEmail} (a Portico administrator), tenant 'Demo' ({tenant.Id}, plan basic) and an API key.");
        Console.WriteLine($"Portal:   {url}/portal  (sign in as {DemoEmail} with password {password}; shown once)");
        Console.WriteLine($"API key (shown once, store it now): {key.Plaintext}");
        Console.WriteLine("Client configuration:");
        Console.WriteLine(ClientConfiguration.Json($"{url}/mcp", key.Plaintext));
        Console.WriteLine();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 420, Level = LogLevel.Information, Message = "Seeded demo user {Email}, tenant {TenantId}, key {KeyId}")]
    private static partial void LogSeeded(ILogger logger, string email, string tenantId, string keyId);
}
