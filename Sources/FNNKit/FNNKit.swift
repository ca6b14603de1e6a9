// FNNKit is the umbrella of fnn's library targets: importing it imports them all.
@_exported import FNNData
@_exported import FNNFormat
@_exported import FNNHTTP
@_exported import FNNImage
@_exported import FNNInference
@_exported import FNNMath
@_exported import FNNModel
@_exported import FNNPictures
@_exported import FNNPrediction
@_exported import FNNService
@_exported import FNNSupport
@_exported import FNNTraining
