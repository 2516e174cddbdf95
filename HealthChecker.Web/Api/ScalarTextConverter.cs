using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthChecker.Web.Api;

/// <summary>
/// Reads a JSON string, number or boolean as its text, so <c>"rise": 2</c> and <c>"rise": "2"</c> both reach the
/// validator, which then says the same thing about a bad value as the form and the targets file do.
/// </summary>
public sealed class ScalarTextConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray()),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => null,
        _ => throw new JsonException("expected a string, number or boolean"),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
