package catalog.local.camunda;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.spring.boot.starter.configuration.impl.AbstractCamundaConfiguration;
import org.camunda.bpm.spring.boot.starter.property.AdminUserProperty;
import org.camunda.bpm.spring.boot.starter.property.CamundaBpmProperties;
import org.springframework.stereotype.Component;

/**
 * The admin user takes the configured password on every start, and is unlocked.
 *
 * <p>{@code camunda.bpm.admin-user} only creates the user when it is missing, so a changed
 * password would otherwise never reach the engine's database, and the platform (which logs in
 * as the admin to create worker users and deploy processes) would be locked out.
 */
@Component
public class AdminPasswordConfiguration extends AbstractCamundaConfiguration {

  private final CamundaBpmProperties properties;

  public AdminPasswordConfiguration(CamundaBpmProperties properties) {
    this.properties = properties;
  }

  @Override
  public void postProcessEngineBuild(ProcessEngine processEngine) {
    AdminUserProperty admin = properties.getAdminUser();
    if (admin == null || admin.getId() == null || admin.getPassword() == null) {
      return;
    }
    IdentityService identity = processEngine.getIdentityService();
    User user = identity.createUserQuery().userId(admin.getId()).singleResult();
    if (user == null) {
      return; // camunda.bpm.admin-user creates it with this password
    }
    user.setPassword(admin.getPassword());
    identity.saveUser(user);
    identity.unlockUser(admin.getId());
  }
}
