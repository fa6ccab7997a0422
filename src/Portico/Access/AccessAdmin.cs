using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Access;

/// <summary>
/// Users, tenants, memberships and API keys: the one place that changes them (CLI, admin API and
/// tests all come here); the saves tell the caches (<see cref="AccessServiceCollectionExtensions.AddAccessStoreTopics"/>).
/// </summary>
internal sealed class AccessAdmin(PorticoDbContext db, TimeProvider time, StoreConnection store)
{
    public static readonly string[] Roles = ["owner", "admin", "member"];

    public async Task<UserRecord> EnsureUserAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = NormalizeEmail(email);
        var user = await db.Set<UserRecord>().FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user is not null)
        {
            return user;
        }

        user = new UserRecord { Id = Ids.New(), Email = normalized, CreatedAt = time.GetUtcNow() };
        db.Set<UserRecord>().Add(user);
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    public async Task<UserRecord> GetUserAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = NormalizeEmail(email);
        return await db.Set<UserRecord>().FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken)
            ?? throw new AccessException($"No user '{normalized}'.", "Create one with 'portico members add --tenant ID --user EMAIL'.");
    }

    public Task<TenantRecord> CreateTenantAsync(string name, string planKey, CancellationToken cancellationToken)
        => CreateTenantAsync(name, planKey, ownerEmail: null, cancellationToken);

    /// <summary>Creates a tenant and, when <paramref name="ownerEmail"/> is given, makes that user (created if new) its owner; everything is checked before anything is written.</summary>
    public async Task<TenantRecord> CreateTenantAsync(string name, string planKey, string? ownerEmail, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new AccessException("A tenant needs a name.", "Pass --name \"Team name\".");
        }

        ValidateTenantName(name);
        ValidatePlan(planKey);
        var owner = ownerEmail is null ? null : NormalizeEmail(ownerEmail);
        var tenant = new TenantRecord { Id = Ids.New(), Name = name.Trim(), PlanKey = planKey, CreatedAt = time.GetUtcNow() };
        db.Set<TenantRecord>().Add(tenant);
        if (owner is not null)
        {
            var user = await EnsureUserAsync(owner, cancellationToken);
            db.Set<MembershipRecord>().Add(new MembershipRecord { TenantId = tenant.Id, UserId = user.Id, Role = "owner", CreatedAt = time.GetUtcNow() });
        }

        await db.SaveChangesAsync(cancellationToken);
        return tenant;
    }

    public Task<List<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken)
        => db.Set<TenantRecord>().AsNoTracking().OrderBy(t => t.Name).ThenBy(t => t.Id).ToListAsync(cancellationToken);

    public async Task<TenantRecord> RenameTenantAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        ValidateTenantName(name);
        var tenant = await GetTenantAsync(tenantId, cancellationToken);
        tenant.Name = name.Trim();
        await db.SaveChangesAsync(cancellationToken);
        return tenant;
    }

    public async Task<TenantRecord> SetPlanAsync(string tenantId, string planKey, CancellationToken cancellationToken)
    {
        ValidatePlan(planKey);
        var tenant = await GetTenantAsync(tenantId, cancellationToken);
        tenant.PlanKey = planKey;
        await db.SaveChangesAsync(cancellationToken);
        return tenant;
    }

    /// <summary>Adds a member or changes a member's role, as an operator.</summary>
    public Task<MembershipRecord> AddMemberAsync(string tenantId, string email, string role, CancellationToken cancellationToken)
        => AddMemberAsync(tenantId, email, role, actingUserId: null, cancellationToken);

    /// <summary>Adds a member or changes a member's role.</summary>
    /// <param name="actingUserId">
    /// The tenant member making the change (the portal's tenant owners and admins); null for an operator (the CLI, a Portico
    /// administrator). Only an owner grants, changes or removes the owner role.
    /// </param>
    public async Task<MembershipRecord> AddMemberAsync(string tenantId, string email, string role, string? actingUserId, CancellationToken cancellationToken)
    {
        await using var members = await LockMembersAsync(tenantId, cancellationToken);
        if (Array.IndexOf(Roles, role) < 0)
        {
            throw new AccessException($"Unknown role '{role}'.", $"Use one of: {string.Join(", ", Roles)}.");
        }

        var tenant = await GetTenantAsync(tenantId, cancellationToken);
        var normalized = NormalizeEmail(email);
        var membership = await (
                from m in db.Set<MembershipRecord>()
                join u in db.Set<UserRecord>() on m.UserId equals u.Id
                where m.TenantId == tenant.Id && u.Email == normalized
                select m)
            .FirstOrDefaultAsync(cancellationToken);
        // Before anything is written: a refused change creates no user either.
        await CheckActorAsync(tenant.Id, actingUserId, touchesOwner: role == "owner" || membership?.Role == "owner", cancellationToken);
        var user = await EnsureUserAsync(normalized, cancellationToken);
        if (membership is null)
        {
            membership = new MembershipRecord { TenantId = tenant.Id, UserId = user.Id, Role = role, CreatedAt = time.GetUtcNow() };
            db.Set<MembershipRecord>().Add(membership);
        }
        else
        {
            if (membership.Role == "owner" && role != "owner")
            {
                await RefuseLastOwnerAsync(membership, $"'{user.Email}' is the last owner of tenant '{tenant.Id}', so their role cannot change to {role}.", cancellationToken);
            }

            membership.Role = role;
        }

        await db.SaveChangesAsync(cancellationToken);
        return membership;
    }

    public Task RemoveMemberAsync(string tenantId, string email, CancellationToken cancellationToken)
        => RemoveMemberAsync(tenantId, email, actingUserId: null, cancellationToken);

    /// <param name="actingUserId">As for <see cref="AddMemberAsync(string, string, string, string?, CancellationToken)"/>.</param>
    public async Task RemoveMemberAsync(string tenantId, string email, string? actingUserId, CancellationToken cancellationToken)
    {
        await using var members = await LockMembersAsync(tenantId, cancellationToken);
        var user = await GetUserAsync(email, cancellationToken);
        var membership = await db.Set<MembershipRecord>().FirstOrDefaultAsync(m => m.TenantId == tenantId && m.UserId == user.Id, cancellationToken)
            ?? throw new AccessException($"'{user.Email}' is not a member of tenant '{tenantId}'.", "List members with 'portico tenants list --json'.");
        await CheckActorAsync(tenantId, actingUserId, touchesOwner: membership.Role == "owner", cancellationToken);
        if (membership.Role == "owner")
        {
            await RefuseLastOwnerAsync(membership, $"'{user.Email}' is the last owner of tenant '{tenantId}' and cannot be removed.", cancellationToken);
        }

        db.Set<MembershipRecord>().Remove(membership);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The members of a tenant with their emails, owners first.</summary>
    public async Task<List<(MembershipRecord Membership, string Email)>> ListMembersAsync(string tenantId, CancellationToken cancellationToken)
    {
        var rows = await (
                from m in db.Set<MembershipRecord>()
                join u in db.Set<UserRecord>() on m.UserId equals u.Id
                where m.TenantId == tenantId
                select new { m, u.Email })
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => Array.IndexOf(Roles, r.m.Role)).ThenBy(r => r.Email, StringComparer.Ordinal).Select(r => (r.m, r.Email))];
    }

    public async Task<CreatedApiKey> CreateKeyAsync(string email, string name, string? tenantId, IReadOnlySet<string> scopes, DateTimeOffset? expiresAt,
        bool test, CancellationToken cancellationToken)
    {
        if (name.Trim().Length > 100 || name.Any(char.IsControl))
        {
            throw new AccessException("A key name is at most 100 characters on one line.", "Use a short label such as \"laptop\" or \"ci\".");
        }

        var user = await EnsureUserAsync(email, cancellationToken);
        if (tenantId is not null)
        {
            await GetTenantAsync(tenantId, cancellationToken);
            if (!await db.Set<MembershipRecord>().AnyAsync(m => m.TenantId == tenantId && m.UserId == user.Id, cancellationToken))
            {
                throw new AccessException($"'{user.Email}' is not a member of tenant '{tenantId}', so a key cannot be bound to it.",
                    $"Add the membership first: portico members add --tenant {tenantId} --user {user.Email}.");
            }
        }

        var (id, plaintext, hash) = ApiKeyFormat.Generate(test ? "test" : "live");
        var record = new ApiKeyRecord
        {
            Id = id,
            UserId = user.Id,
            Name = string.IsNullOrWhiteSpace(name) ? "default" : name.Trim(),
            Environment = test ? "test" : "live",
            SecretHash = hash,
            Scopes = string.Join(' ', scopes),
            TenantId = tenantId,
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        db.Set<ApiKeyRecord>().Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(record, plaintext);
    }

    public Task<List<ApiKeyRecord>> ListKeysAsync(string? userId, CancellationToken cancellationToken)
        => db.Set<ApiKeyRecord>().AsNoTracking().Where(k => userId == null || k.UserId == userId)
            .OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);

    public async Task<ApiKeyRecord> RevokeKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var key = await db.Set<ApiKeyRecord>().FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken)
            ?? throw new AccessException($"No API key '{keyId}'.", "List keys with 'portico keys list'; pass the id part (16 hex), not the whole key.");
        key.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    public async Task<ApiKeyRecord> SetKeyScopesAsync(string keyId, IReadOnlySet<string> scopes, CancellationToken cancellationToken)
    {
        var key = await db.Set<ApiKeyRecord>().FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken)
            ?? throw new AccessException($"No API key '{keyId}'.", "List keys with 'portico keys list'.");
        key.Scopes = string.Join(' ', scopes);
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    /// <summary>
    /// Member changes of one tenant run one at a time across every instance and the CLI: two owners demoting each other
    /// at the same moment would otherwise each see the other still an owner, and leave the tenant with none.
    /// </summary>
    private Task<IAsyncDisposable> LockMembersAsync(string tenantId, CancellationToken cancellationToken)
        => StoreLock.AcquireAsync(store, "members-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tenantId)))[..16], cancellationToken);

    /// <summary>A tenant left without an owner has no one to manage it but a Portico administrator.</summary>
    private async Task RefuseLastOwnerAsync(MembershipRecord owner, string message, CancellationToken cancellationToken)
    {
        if (!await db.Set<MembershipRecord>().AnyAsync(m => m.TenantId == owner.TenantId && m.Role == "owner" && m.UserId != owner.UserId, cancellationToken))
        {
            throw new AccessException(message, "Make another member an owner first, then change or remove this one.");
        }
    }

    private async Task CheckActorAsync(string tenantId, string? actingUserId, bool touchesOwner, CancellationToken cancellationToken)
    {
        if (actingUserId is null)
        {
            return;
        }

        var role = await db.Set<MembershipRecord>().Where(m => m.TenantId == tenantId && m.UserId == actingUserId).Select(m => m.Role).FirstOrDefaultAsync(cancellationToken);
        if (role is not ("owner" or "admin"))
        {
            throw new AccessException("Only an owner or admin of the tenant changes its members.", "Ask an owner of the tenant.", forbidden: true);
        }

        if (touchesOwner && role != "owner")
        {
            throw new AccessException("Only an owner grants, changes or removes the owner role.", "Ask an owner of the tenant, or a Portico administrator.", forbidden: true);
        }
    }

    private static void ValidateTenantName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100 || name.Any(char.IsControl))
        {
            throw new AccessException("A tenant name is 1 to 100 characters on one line.", "Type a name such as \"Support team\".");
        }
    }

    private async Task<TenantRecord> GetTenantAsync(string tenantId, CancellationToken cancellationToken)
        => await db.Set<TenantRecord>().FirstOrDefaultAsync(t => t.Id == tenantId, cancellationToken)
            ?? throw new AccessException($"No tenant '{tenantId}'.", "List tenants with 'portico tenants list'.");

    private static void ValidatePlan(string planKey)
    {
        if (!Plans.TryGetTier(planKey, out _))
        {
            throw new AccessException($"Unknown plan '{planKey}'.", $"Use one of: {string.Join(", ", Plans.Known)}.");
        }
    }

    private static string NormalizeEmail(string email)
    {
        var trimmed = email.Trim().ToLowerInvariant();
        if (trimmed.Length is < 3 or > 254 || trimmed.IndexOf('@', StringComparison.Ordinal) is <= 0 || trimmed.EndsWith('@'))
        {
            throw new AccessException($"'{email}' is not an email address.", "Pass --user name@example.com.");
        }

        return trimmed;
    }
}
