package org.llmfhiradapter.conformance;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Lists the files directly inside a folder of the classpath, whether the classes run from a
 * directory (tests, IDE) or from the jar. The folder is found through a marker file known to be in
 * it.
 */
final class ClasspathFolder {

  private ClasspathFolder() {}

  /**
   * Resource names (e.g. {@code profiles/ValueSet-x.json}) of the files in the marker's folder,
   * sorted.
   *
   * @param marker a file in the folder, e.g. {@code profiles/package.json}
   */
  static List<String> list(String marker) throws IOException {
    URL url = ClasspathFolder.class.getClassLoader().getResource(marker);
    if (url == null) {
      throw new IOException(marker + " is not on the classpath");
    }
    String folder = marker.substring(0, marker.lastIndexOf('/') + 1);
    List<String> names = new ArrayList<>();
    if ("jar".equals(url.getProtocol())) {
      JarURLConnection connection = (JarURLConnection) url.openConnection();
      connection.setUseCaches(false);
      try (JarFile jar = connection.getJarFile()) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
          String name = entries.nextElement().getName();
          if (name.startsWith(folder)
              && name.length() > folder.length()
              && name.indexOf('/', folder.length()) < 0) {
            names.add(name);
          }
        }
      }
    } else {
      try (Stream<Path> files = Files.list(Path.of(url.toURI()).getParent())) {
        files.filter(Files::isRegularFile).forEach(p -> names.add(folder + p.getFileName()));
      } catch (URISyntaxException e) {
        throw new IOException("Cannot read classpath folder " + folder + ": " + e.getMessage());
      }
    }
    names.sort(null);
    return names;
  }
}
