// Reads prompt/response demonstrations from JSONL: one object per line, {"prompt": "...", "response": "..."}
// (blank lines are skipped). Text is encoded with the byte tokenizer: BOS + prompt bytes form the prompt,
// response bytes + EOS the response, so every demonstration is a complete (terminal) sequence. A bad line
// is reported with its line number.
using System.Text.Json;
using Engine.Tensors;
using Engine.Training.Data;

namespace Engine.Training.Irl;

public static class PromptResponseFile
{
    public static IReadOnlyList<PromptResponse> Read(string path)
    {
        if (!File.Exists(path)) throw new EngineException($"{path}: no such file");
        var result = new List<PromptResponse>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            result.Add(Parse(line, $"{path}:{lineNumber}"));
        }
        if (result.Count == 0) throw new EngineException($"{path}: no prompt/response pairs");
        return result;
    }

    /// <summary>One JSONL line as a tokenized demonstration; where names the line in error messages.</summary>
    public static PromptResponse Parse(string line, string where)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new EngineException($"{where}: not valid JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new EngineException($"{where}: expected an object {{\"prompt\": ..., \"response\": ...}}, got {root.ValueKind.ToString().ToLowerInvariant()}");
            string prompt = Text(root, "prompt", where);
            string response = Text(root, "response", where);
            var tokenizer = new ByteTokenizer();
            return new PromptResponse(tokenizer.Encode(prompt, addBos: true), tokenizer.Encode(response, addEos: true), EndsWithEos: true);
        }
    }

    private static string Text(JsonElement root, string name, string where)
    {
        if (!root.TryGetProperty(name, out var value))
            throw new EngineException($"{where}: missing \"{name}\"");
        if (value.ValueKind != JsonValueKind.String)
            throw new EngineException($"{where}: \"{name}\" must be a string, got {value.ValueKind.ToString().ToLowerInvariant()}");
        return value.GetString()!;
    }
}
