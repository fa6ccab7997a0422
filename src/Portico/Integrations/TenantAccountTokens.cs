namespace Portico.Integrations;

/// <summary>An account's tokens as a call reads them (decrypted), with the stamp a refresh must still find to replace them.</summary>
internal sealed record TenantAccountTokens(TenantAccount Account, string Tokens, string Stamp)
{
    /// <summary>Never the tokens: records print every property by default.</summary>
    public override string ToString() => $"Tokens of account {Account.AccountId}";
}
