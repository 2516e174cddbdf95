namespace HealthChecker.Core.Alerting.Delivery.Messages;

/// <summary>The templates a channel uses unless it sets its own (the variables are in <see cref="MessageModel"/>).</summary>
public static class DefaultTemplates
{
    public const string Title =
        "{%- if test -%}[TEST] Test message from HealthChecker to the channel {{ channel }}{%- else -%}" +
        "{%- if status == 'firing' and count == 1 and first.flapping -%}[FLAPPING] {% elsif status == 'firing' -%}[DOWN] {% elsif count == 1 and first.deleted -%}[RESOLVED] {% else -%}[UP] {% endif -%}" +
        "{%- if count == 1 -%}{{ first.summary }}" +
        "{%- elsif status == 'firing' -%}{{ firing_count }} target{% if firing_count != 1 %}s{% endif %} DOWN{% if group != '' %} in {{ group }}{% endif %}{% if resolved_count > 0 %}, {{ resolved_count }} UP again{% endif %}" +
        "{%- else -%}{{ resolved_count }} targets UP again{% if group != '' %} in {{ group }}{% endif %}{%- endif -%}{%- endif -%}";

    public const string Text = """
        {%- if test -%}
        This is a TEST message sent from HealthChecker to check the channel {{ channel }}; no target is down.
        {%- else -%}
        {%- if count > 1 -%}
        {{ firing_count }} DOWN, {{ resolved_count }} UP again (rule {{ rule }}):
        {% endif -%}
        {%- for a in shown -%}
        {%- if a.flapping -%}
        {{ a.target }} is flapping: it changes between UP and DOWN too often to alert each change; last failure: {{ a.failure }}
        {% elsif a.firing -%}
        {{ a.target }} is DOWN since {{ a.since }}: {{ a.failure }}
        {% else -%}
        {%- if a.deleted -%}
        {{ a.target }} was deleted{% if a.ended != '' %} at {{ a.ended }}{% endif %}, so its alert is resolved; it was DOWN since {{ a.since }}: {{ a.failure }}
        {% else -%}
        {{ a.target }} is UP again{% if a.ended != '' %} since {{ a.ended }}{% endif %} ({{ a.description }}); it was DOWN since {{ a.since }}: {{ a.failure }}
        {% endif -%}
        {% endif -%}
        {{ a.url }}
        {% endfor -%}
        {%- if more > 0 -%}
        and {{ more }} more: {{ dashboard_url }}
        {% elsif count > 1 -%}
        All of them: {{ dashboard_url }}
        {% endif -%}
        {%- endif -%}
        """;

    public const string Html = """
        {%- if test -%}
        <p>This is a <b>TEST</b> message sent from HealthChecker to check the channel {{ channel }}; no target is down.</p>
        {%- else -%}
        {%- if count > 1 -%}
        <p>{{ firing_count }} DOWN, {{ resolved_count }} UP again (rule {{ rule }}):</p>
        {% endif -%}
        <ul>
        {% for a in shown -%}
        {%- if a.flapping -%}
        <li><a href="{{ a.url }}"><b>{{ a.target }}</b></a> is <b>flapping</b>: it changes between UP and DOWN too often to alert each change; last failure: {{ a.failure }}</li>
        {% elsif a.firing -%}
        <li><a href="{{ a.url }}"><b>{{ a.target }}</b></a> is <b>DOWN</b> since {{ a.since }}: {{ a.failure }}</li>
        {% else -%}
        {%- if a.deleted -%}
        <li><b>{{ a.target }}</b> was <b>deleted</b>{% if a.ended != '' %} at {{ a.ended }}{% endif %}, so its alert is resolved; it was DOWN since {{ a.since }}: {{ a.failure }}</li>
        {% else -%}
        <li><a href="{{ a.url }}"><b>{{ a.target }}</b></a> is <b>UP</b> again{% if a.ended != '' %} since {{ a.ended }}{% endif %} ({{ a.description }}); it was DOWN since {{ a.since }}: {{ a.failure }}</li>
        {% endif -%}
        {% endif -%}
        {%- endfor -%}
        </ul>
        {% if more > 0 -%}
        <p>and {{ more }} more: <a href="{{ dashboard_url }}">the dashboard</a></p>
        {% elsif count > 1 -%}
        <p><a href="{{ dashboard_url }}">All of them on the dashboard</a></p>
        {% endif -%}
        {%- endif -%}
        """;
}
