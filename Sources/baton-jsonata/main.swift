import BatonJSONata
import Foundation

exit(JSONataCommandLine.run(arguments: Array(CommandLine.arguments.dropFirst())))
