package catalog.local.camunda;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The local process engine: REST API, webapps and the job executor in one JVM. */
@SpringBootApplication
public class LocalCamunda {

  public static void main(String[] args) {
    SpringApplication.run(LocalCamunda.class, args);
  }
}
