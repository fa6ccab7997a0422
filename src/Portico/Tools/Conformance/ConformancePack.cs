using Portico.Policy;

namespace Portico.Tools.Conformance;

/// <summary>The fixture the MCP conformance suite's server scenarios expect. Enabled only by <c>serve --conformance</c>.</summary>
internal sealed partial class ConformancePack : IMcpPack
{
    public string Name => "conformance";

    public void Register(CatalogBuilder catalog)
    {
        RegisterTools(catalog);
    }

    partial void RegisterTools(CatalogBuilder catalog);
}
