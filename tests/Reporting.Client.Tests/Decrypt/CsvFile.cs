using System.Text;

namespace Reporting.Client.Tests.Decrypt;

/// <summary>Reads index.csv as a spreadsheet would (RFC 4180: quoted cells, doubled quotes, line breaks inside
/// quotes), so the tests check what an analyst gets, not the file's lines.</summary>
public static class CsvFile
{
    /// <summary>The header's cells, and each row as a dictionary by column name.</summary>
    public static (IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyDictionary<string, string>> Rows) Read(string path)
    {
        var records = Parse(File.ReadAllText(path, Encoding.UTF8).TrimStart('\uFEFF'));
        var header = records[0];
        var rows = records.Skip(1).Select(cells =>
        {
            if (cells.Count != header.Count)
                throw new InvalidDataException($"a row has {cells.Count} cells, the header {header.Count}");
            return (IReadOnlyDictionary<string, string>)header.Zip(cells).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
        return (header, rows);
    }

    static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    cell.Append(c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                record.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                record.Add(cell.ToString());
                cell.Clear();
                records.Add(record);
                record = [];
            }
            else if (c != '\r')
                cell.Append(c);
        }
        if (cell.Length > 0 || record.Count > 0)
        {
            record.Add(cell.ToString());
            records.Add(record);
        }
        return records;
    }
}
