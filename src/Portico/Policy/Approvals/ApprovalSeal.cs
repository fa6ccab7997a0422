using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Portico.Policy.Approvals;

/// <summary>
/// Binds an approval's arguments to its request with the server's key ring: the seal is the Data Protection ciphertext
/// of the id, tool, caller, tenant, task and the arguments' SHA-256. Whoever edits the row (the arguments, their hash,
/// the tool or the caller) without the key ring cannot make a seal that opens to the edited values, so the call is
/// refused instead of run (<c>APPROVAL_TAMPERED</c>).
/// </summary>
internal sealed class ApprovalSeal(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Portico.Policy.Approvals.v1");

    public static string Hash(string arguments) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(arguments)));

    public string Make(ApprovalRecord approval) => _protector.Protect(Payload(approval, approval.ArgumentsHash));

    /// <summary>True when the row is as it was sealed: the seal opens to its values and the arguments hash to the sealed hash.</summary>
    public bool Holds(ApprovalRecord approval)
    {
        string opened;
        try
        {
            opened = _protector.Unprotect(approval.Seal);
        }
        catch (CryptographicException)
        {
            return false;
        }

        return string.Equals(opened, Payload(approval, Hash(approval.Arguments)), StringComparison.Ordinal)
            && string.Equals(approval.ArgumentsHash, Hash(approval.Arguments), StringComparison.Ordinal);
    }

    private static string Payload(ApprovalRecord approval, string hash)
        => string.Join('\n', approval.Id, approval.Tool, approval.OwnerId, approval.TenantId ?? "", approval.TaskId ?? "", hash);
}
