"""``CILO``: the cilo vocabulary as an rdflib DefinedNamespace (kept equal to ontology/cilo.ttl by a test)."""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class CILO(DefinedNamespace):
    """Every term of the Collective Impact Leadership Ontology, ``https://w3id.org/cilo#``."""

    _fail = True

    # Classes
    Actor: URIRef
    AdministrativeLevel: URIRef
    AnalyticalLevel: URIRef
    BackboneRole: URIRef
    BehaviourCategory: URIRef
    GovernanceLevel: URIRef
    Initiative: URIRef
    LeadershipFunction: URIRef
    NationalBackboneRole: URIRef
    Organization: URIRef
    Person: URIRef
    RegionalBackboneRole: URIRef
    RoleAssignment: URIRef

    # Object properties
    agent: URIRef
    behaviourCategory: URIRef
    initiative: URIRef
    level: URIRef
    performsFunction: URIRef
    representsFunction: URIRef
    role: URIRef

    # Datatype properties
    municipalityCount: URIRef
    participatingMunicipalityCount: URIRef

    # Annotation properties
    heldOutsideBackboneBy: URIRef
    sourceLocation: URIRef

    # Leadership functions
    BoundarySpanner: URIRef
    Catalyst: URIRef
    Champion: URIRef
    Facilitator: URIRef
    Implementer: URIRef
    InformationAndKnowledgeBroker: URIRef
    Initiator: URIRef
    MetaGovernor: URIRef
    Sponsor: URIRef

    # Backbone roles
    BridgeBuilder: URIRef
    CrossSectoralPlayer: URIRef
    Evaluator: URIRef
    FuturesThinker: URIRef
    ImplementationSupporter: URIRef
    InformationBroker: URIRef
    KnowledgeBroker: URIRef
    LocalKnowledgeGatherer: URIRef
    LocalSupport: URIRef

    # Governance levels
    Local: URIRef
    Macro: URIRef
    Meso: URIRef
    Micro: URIRef
    National: URIRef
    Regional: URIRef

    # Behaviour categories
    ChangeOrientedBehaviour: URIRef
    ExternalBehaviour: URIRef
    RelationsOrientedBehaviour: URIRef
    TaskOrientedBehaviour: URIRef

    # Concept schemes and collections
    AdministrativeLevelScheme: URIRef
    AnalyticalLevelScheme: URIRef
    BackboneRoleScheme: URIRef
    BehaviourCategoryScheme: URIRef
    EstablishedFunctions: URIRef
    LeadershipFunctionScheme: URIRef
    ProposedFunctions: URIRef

    _NS = Namespace("https://w3id.org/cilo#")
