namespace Engine.Training; public static class Program { public static int Main(string[] a){ System.Console.WriteLine("hi"); return 0;} }
