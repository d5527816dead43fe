using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Reporting.Server.Storage.Postgres;

/// <summary>The Data Protection key ring in PostgreSQL, so a proof-of-work token issued by one instance
/// is verified by any other. Keys only protect proof-of-work tokens: whoever reads them can forge
/// tokens (skip the work), nothing more.</summary>
public sealed class PostgresKeyRing(NpgsqlDataSource data) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = data.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY name");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
            elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = data.CreateCommand("INSERT INTO data_protection_keys (name, xml) VALUES ($1, $2) ON CONFLICT DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }
}
