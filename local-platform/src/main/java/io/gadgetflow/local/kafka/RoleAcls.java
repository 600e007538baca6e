package io.gadgetflow.local.kafka;

import io.gadgetflow.api.kafka.KafkaRole;
import io.gadgetflow.api.kafka.TopicNames;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What each {@link KafkaRole} may do on the contract's topics, as Kafka ACLs: exactly what the
 * role's clients do, nothing more. With an authorizer that denies what no ACL allows (Kafka's
 * default), everything else is refused: a node agent writing {@code gadget.control}, the web UI
 * writing anything. READ and WRITE imply DESCRIBE in Kafka, which clients need for metadata.
 */
final class RoleAcls {
  private RoleAcls() {}

  /** The ACLs of {@code role} on {@code topics}. */
  static List<AclBinding> of(KafkaRole role, TopicNames topics) {
    List<AclBinding> acls = new ArrayList<>();
    String principal = role.principal();
    switch (role) {
      case NODE -> {
        // A group-free consumer of the control topic, a producer of answers and events.
        acls.add(topic(principal, topics.control(), AclOperation.READ));
        acls.add(topic(principal, topics.status(), AclOperation.WRITE));
        acls.add(topic(principal, topics.events(), AclOperation.WRITE));
        // Its key registration, which no other role may read: it carries a secret and a token.
        acls.add(topic(principal, topics.nodes(), AclOperation.WRITE));
      }
      case CONTROLLER -> {
        // It writes operations and reads back what it handed over (HandedOverOperations).
        acls.add(topic(principal, topics.control(), AclOperation.WRITE));
        acls.add(topic(principal, topics.control(), AclOperation.READ));
        acls.add(topic(principal, topics.status(), AclOperation.READ));
        acls.add(topic(principal, topics.nodes(), AclOperation.READ));
        acls.add(
            new AclBinding(
                new ResourcePattern(
                    ResourceType.GROUP, KafkaRole.CONTROLLER_GROUP, PatternType.LITERAL),
                allow(principal, AclOperation.READ)));
      }
      case WEB, VIEWER -> {
        acls.add(topic(principal, topics.events(), AclOperation.READ));
        acls.add(topic(principal, topics.status(), AclOperation.READ));
      }
    }
    return acls;
  }

  /** The ACLs of every role. */
  static List<AclBinding> all(TopicNames topics) {
    List<AclBinding> acls = new ArrayList<>();
    for (KafkaRole role : KafkaRole.values()) {
      acls.addAll(of(role, topics));
    }
    return acls;
  }

  private static AclBinding topic(String principal, String topic, AclOperation operation) {
    return new AclBinding(
        new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
        allow(principal, operation));
  }

  private static AccessControlEntry allow(String principal, AclOperation operation) {
    return new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW);
  }
}
