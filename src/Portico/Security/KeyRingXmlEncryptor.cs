using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Portico.Security;

/// <summary>
/// Wraps the secret part of each Data Protection key (the element the key manager marks
/// <c>requiresEncryption</c>) with the current key-encryption key before it goes into the store.
/// </summary>
internal sealed class KeyRingXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    public static readonly XName WrappedElement = "wrappedKey";
    public const string KeyIdAttribute = "kek";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var wrapped = key.Wrap(Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)));
        var element = new XElement(WrappedElement,
            new XAttribute(KeyIdAttribute, key.Id),
            new XAttribute("algorithm", "AES-256-GCM"),
            new XComment(" Wrapped with Portico's key-encryption key (Portico:Security); the store alone cannot open it. "),
            new XElement("value", Convert.ToBase64String(wrapped)));
        return new EncryptedXmlInfo(element, typeof(KeyRingXmlDecryptor));
    }
}
