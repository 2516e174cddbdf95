namespace HealthChecker.Tests.Support;

/// <summary>A tiny C listener (never accepts) for use inside a network namespace, built with gcc once per test run.</summary>
public static class NativeListener
{
    private const string Source = """
        #include <arpa/inet.h>
        #include <netinet/in.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <sys/socket.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            int s = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in a = {0};
            a.sin_family = AF_INET;
            a.sin_port = htons(atoi(argv[1]));
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 128)) { perror("listen"); return 1; }
            printf("ready\n");
            fflush(stdout);
            char c;
            while (read(0, &c, 1) > 0) {}
            return 0;
        }
        """;

    private static readonly Lazy<string> Binary = new(Build);

    /// <summary>Path of the program: `listener PORT` prints "ready" and listens until its stdin closes.</summary>
    public static string Path => Binary.Value;

    private static string Build()
    {
        string gcc = NativeTool.Require("gcc");
        string dir = Directory.CreateTempSubdirectory("hc-listener-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        string source = System.IO.Path.Combine(dir, "listener.c");
        string binary = System.IO.Path.Combine(dir, "listener");
        File.WriteAllText(source, Source);
        NativeTool.Check(gcc, "-o", binary, source);
        return binary;
    }
}
