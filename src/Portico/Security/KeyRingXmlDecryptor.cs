using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Portico.Security;

/// <summary>
/// Unwraps what <see cref="KeyRingXmlEncryptor"/> wrapped, with whichever configured key-encryption key
/// (current or previous) the element names. The key manager creates it by type name from the stored XML,
/// through this constructor.
/// </summary>
internal sealed class KeyRingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
        => Unwrap(encryptedElement, services.GetService<KeyEncryptionKeys>()
            ?? throw new CryptographicException("The key ring is wrapped with a Portico key-encryption key, and none is configured in this process."));

    public static XElement Unwrap(XElement wrapped, KeyEncryptionKeys keys)
    {
        var id = (string?)wrapped.Attribute(KeyRingXmlEncryptor.KeyIdAttribute) ?? throw new CryptographicException("The wrapped key element names no key-encryption key.");
        var key = keys.Find(id) ?? throw new CryptographicException($"The key ring element is wrapped with key-encryption key {id}, which is not configured in this process.");
        byte[] payload;
        try
        {
            payload = Convert.FromBase64String((string?)wrapped.Element("value") ?? "");
        }
        catch (FormatException)
        {
            throw new CryptographicException("The wrapped key element is not base64.");
        }

        return XElement.Parse(Encoding.UTF8.GetString(key.Unwrap(payload)));
    }

    /// <summary>Whether <paramref name="decryptorType"/> (as the key manager stored it) names this type.</summary>
    public static bool IsNamedBy(string? decryptorType)
        => decryptorType is not null && decryptorType.Split(',')[0].Trim() == typeof(KeyRingXmlDecryptor).FullName;
}
