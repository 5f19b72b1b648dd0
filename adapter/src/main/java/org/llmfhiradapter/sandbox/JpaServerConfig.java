package org.llmfhiradapter.sandbox;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binstore.MemoryBinaryStorageSvcImpl;
import ca.uhn.fhir.jpa.config.GeneratedDaoAndResourceProviderConfigR4;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import jakarta.persistence.EntityManagerFactory;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * Spring wiring of the HAPI FHIR JPA server (R4) on an in-memory H2 database. This is the smallest
 * set of HAPI's own configurations that starts: each import below is required (without
 * SubscriptionChannelConfig there is no broker client, without ThreadPoolFactoryConfig no thread
 * pool factory).
 */
@Configuration
@Import({
  JpaR4Config.class,
  GeneratedDaoAndResourceProviderConfigR4.class,
  HapiJpaConfig.class,
  JpaBatch2Config.class,
  Batch2JobsConfig.class,
  SubscriptionChannelConfig.class,
  ThreadPoolFactoryConfig.class
})
class JpaServerConfig {

  @Bean
  JpaStorageSettings storageSettings() {
    JpaStorageSettings settings = new JpaStorageSettings();
    // Seed data and reports carry their own ids (PUT Patient/p001); EHR ids are alphanumeric too.
    settings.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.ANY);
    // Reference integrity is the EHR's business; fixtures may be loaded in any order.
    settings.setEnforceReferentialIntegrityOnWrite(false);
    settings.setAutoCreatePlaceholderReferenceTargets(true);
    // Paging must stay predictable for tests of `next` links: no result cache across searches.
    settings.setReuseCachedSearchResultsForMillis(null);
    // Every match in the search's first pass. HAPI's default passes (13, 503, ...) stop a search of
    // more than one page after its first; the request for the next page then continues it and, even
    // when that finishes the search, sleeps half a second before serving the page (the demo's
    // candidate search: 575-723 ms for its second page; 148 ms now). One pass holds only the ids of
    // the matches, which a client paging to the end makes HAPI load anyway: some 100,000 for the
    // bench's largest sandbox (10,000 patients).
    settings.setSearchPreFetchThresholds(java.util.List.of(-1));
    settings.setAllowMultipleDelete(true);
    settings.setExpungeEnabled(true);
    settings.setDeleteExpungeEnabled(true);
    // Bulk export ($export) runs as a batch job whose steps normally wait for a maintenance pass a
    // minute apart: fast-tracked, a small export finishes in seconds, as a client rehearsing
    // against it expects.
    settings.setJobFastTrackingEnabled(true);
    return settings;
  }

  @Bean
  PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Bean
  IBinaryStorageSvc binaryStorage() {
    return new MemoryBinaryStorageSvcImpl();
  }

  @Bean(destroyMethod = "close")
  DataSource dataSource(SandboxDatabase database) {
    BasicDataSource dataSource = new BasicDataSource();
    if (database.postgres()) {
      dataSource.setDriver(new org.postgresql.Driver());
      dataSource.setUrl(database.url());
      dataSource.setPassword(database.password());
    } else {
      dataSource.setDriver(new org.h2.Driver());
      // A unique name per server, so two sandboxes in one JVM never share tables.
      dataSource.setUrl("jdbc:h2:mem:llm-sandbox-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
      dataSource.setUsername("sa");
      dataSource.setPassword("");
    }
    dataSource.setMaxTotal(20);
    return dataSource;
  }

  @Bean
  LocalContainerEntityManagerFactoryBean entityManagerFactory(
      ConfigurableListableBeanFactory beanFactory,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings,
      DataSource dataSource,
      SandboxDatabase database) {
    LocalContainerEntityManagerFactoryBean factory =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(
            beanFactory, fhirContext, storageSettings);
    factory.setPersistenceUnitName("llm-sandbox");
    factory.setDataSource(dataSource);
    Properties jpa = new Properties();
    jpa.put(
        "hibernate.dialect",
        database.postgres()
            ? ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect.class.getName()
            : HapiFhirH2Dialect.class.getName());
    jpa.put("hibernate.hbm2ddl.auto", "update");
    jpa.put("hibernate.format_sql", "false");
    jpa.put("hibernate.show_sql", "false");
    jpa.put("hibernate.search.enabled", "false");
    factory.setJpaProperties(jpa);
    return factory;
  }

  @Bean
  @Primary
  JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
    return new JpaTransactionManager(entityManagerFactory);
  }
}
