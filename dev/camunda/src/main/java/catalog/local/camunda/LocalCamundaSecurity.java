package catalog.local.camunda;

import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * HTTP Basic in front of the REST API: the REST starter alone leaves {@code /engine-rest/*}
 * open to anyone who can reach the port. {@code GET /engine-rest/engine} (the engine names)
 * stays open, so a probe needs no credentials.
 */
@Configuration
public class LocalCamundaSecurity {

  static final String REST_PATTERN = "/engine-rest/*";

  @Bean
  public FilterRegistrationBean<ProcessEngineAuthenticationFilter> restAuthentication() {
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration =
        new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
    registration.setName("camunda-rest-authentication");
    registration.addUrlPatterns(REST_PATTERN);
    registration.addInitParameter(
        ProcessEngineAuthenticationFilter.AUTHENTICATION_PROVIDER_PARAM,
        HttpBasicAuthenticationProvider.class.getName());
    return registration;
  }
}
