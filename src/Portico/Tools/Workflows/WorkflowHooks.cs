using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Security;
using Portico.Storage;

namespace Portico.Tools.Workflows;

/// <summary>
/// Webhook triggers: one <see cref="WorkflowHookEntity"/> per trigger, with a signing secret made here, returned once
/// and stored encrypted for its row. A delivery is signed with HMAC-SHA256 over <c>{timestamp}.{delivery id}.{body}</c>
/// (docs/workflows.md), so neither the time nor the delivery id can be changed without the secret.
/// </summary>
internal sealed class WorkflowHooks(IDataProtectionProvider protection, TimeProvider time)
{
    public const string SecretPurpose = "Portico.Workflows.HookSecret";
    public const string SignatureHeader = "X-Portico-Signature";
    public const string TimestampHeader = "X-Portico-Timestamp";
    public const string DeliveryHeader = "X-Portico-Delivery";
    public const string SignaturePrefix = "sha256=";

    /// <summary>
    /// Replaces <paramref name="workflow"/>'s hooks by its webhook triggers, acting as <paramref name="principal"/>, and
    /// returns each new hook's secret by trigger id: the only time a secret is readable.
    /// </summary>
    public async Task<Dictionary<string, string>> ReplaceAsync(PorticoDbContext db, WorkflowEntity workflow, Principal principal, CancellationToken cancellationToken)
    {
        await db.Set<WorkflowHookEntity>().Where(h => h.TenantId == workflow.TenantId && h.WorkflowId == workflow.Id).ExecuteDeleteAsync(cancellationToken);
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var trigger in WorkflowTrigger.Parse(workflow.Triggers).Where(t => t.Type == WorkflowTrigger.Webhook))
        {
            var secret = "whsec_" + Base64Url(RandomNumberGenerator.GetBytes(32));
            db.Set<WorkflowHookEntity>().Add(new WorkflowHookEntity
            {
                Id = trigger.Id,
                TenantId = workflow.TenantId,
                WorkflowId = workflow.Id,
                Secret = StoredSecrets.Protect(protection, SecretPurpose, secret, trigger.Id),
                OwnerId = principal.Id,
                CredentialKind = principal.Kind,
                CredentialId = principal.CredentialId,
                Scopes = RunCredentials.ScopesOf(principal),
                CreatedAt = time.GetUtcNow(),
            });
            secrets[trigger.Id] = secret;
        }

        await db.SaveChangesAsync(cancellationToken);
        return secrets;
    }

    /// <summary>The hook's secret; throws <see cref="CryptographicException"/> when the row's ciphertext was not made for it.</summary>
    public string SecretOf(WorkflowHookEntity hook) => StoredSecrets.Unprotect(protection, SecretPurpose, hook.Secret, hook.Id);

    /// <summary>The <c>sha256=</c> hex value of <see cref="SignatureHeader"/> for a delivery.</summary>
    public static string Sign(string secret, string timestamp, string deliveryId, ReadOnlySpan<byte> body)
        => SignaturePrefix + Convert.ToHexStringLower(Mac(secret, timestamp, deliveryId, body));

    /// <summary>Whether <paramref name="signature"/> (<c>sha256=&lt;hex&gt;</c>) signs the delivery, compared in fixed time.</summary>
    public static bool Verify(string secret, string timestamp, string deliveryId, ReadOnlySpan<byte> body, string signature)
    {
        if (!signature.StartsWith(SignaturePrefix, StringComparison.OrdinalIgnoreCase) || signature.Length != SignaturePrefix.Length + 64)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(SignaturePrefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(given, Mac(secret, timestamp, deliveryId, body));
    }

    /// <summary>Unix seconds, as <see cref="TimestampHeader"/> carries them.</summary>
    public static string Timestamp(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static byte[] Mac(string secret, string timestamp, string deliveryId, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes($"{timestamp}.{deliveryId}."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
