using System.Security.Cryptography;
using System.Text;

namespace Portico.Security;

/// <summary>
/// One 256-bit key-encryption key. It wraps Data Protection key elements with AES-256-GCM; its id
/// (a hash of the key, not the key) goes beside each wrapped element, so a rotated ring knows which
/// key opens which element.
/// </summary>
internal sealed class KeyEncryptionKey
{
    public const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key;

    private KeyEncryptionKey(byte[] key, string source)
    {
        _key = key;
        Source = source;
        Id = Convert.ToHexStringLower(SHA256.HashData([.. "Portico key-encryption key id\n"u8, .. key]).AsSpan(0, 8));
    }

    /// <summary>16 hex digits naming the key in the store; safe to log.</summary>
    public string Id { get; }

    /// <summary>Where the key came from (a setting or a file), for messages; never the key.</summary>
    public string Source { get; }

    /// <summary>Parses 32 bytes of base64; null when <paramref name="base64"/> is not that.</summary>
    public static KeyEncryptionKey? Parse(string base64, string source)
    {
        var buffer = new byte[KeyBytes + 1];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var length) && length == KeyBytes ? new KeyEncryptionKey(buffer[..KeyBytes], source) : null;
    }

    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>nonce ‖ tag ‖ ciphertext; the key id is authenticated with it, so an element cannot be relabelled.</summary>
    public byte[] Wrap(ReadOnlySpan<byte> plaintext)
    {
        var result = new byte[NonceBytes + TagBytes + plaintext.Length];
        var nonce = result.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plaintext, result.AsSpan(NonceBytes + TagBytes), result.AsSpan(NonceBytes, TagBytes), AssociatedData());
        return result;
    }

    /// <summary>The plaintext; throws <see cref="CryptographicException"/> when the payload was not wrapped by this key or was altered.</summary>
    public byte[] Unwrap(ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("The wrapped key element is truncated.");
        }

        var plaintext = new byte[wrapped.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(wrapped[..NonceBytes], wrapped[(NonceBytes + TagBytes)..], wrapped.Slice(NonceBytes, TagBytes), plaintext, AssociatedData());
        return plaintext;
    }

    private byte[] AssociatedData() => Encoding.UTF8.GetBytes("Portico.DataProtection.KeyRing.v1|" + Id);
}
