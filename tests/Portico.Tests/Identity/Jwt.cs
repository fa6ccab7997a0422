using System.Text;
using System.Text.Json.Nodes;

namespace Portico.Tests.Identity;

/// <summary>Reads the header (0) or payload (1) of a JWT, without checking it: for asserting what the server put there.</summary>
internal static class Jwt
{
    public static JsonObject Part(string token, int index)
    {
        var part = token.Split('.')[index].Replace('-', '+').Replace('_', '/');
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '='))))!.AsObject();
    }
}
